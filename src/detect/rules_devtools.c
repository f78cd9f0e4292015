/* Developer-tool credential rules: code hosting (GitLab, Bitbucket, Atlassian), package registries
 * (PyPI, Docker Hub, RubyGems, NuGet, JFrog, Clojars), CI/CD and SaaS APIs, observability (Sentry,
 * Datadog, New Relic, Dynatrace, Grafana): formats from each vendor's documentation, cited per rule.
 * Example values are random fakes. */
#include "detect/rules.h"
#include "detect/validators.h"

#define EX(...) ((const struct ls_rule_example[]){__VA_ARGS__, {NULL, NULL}})
#define NEG(...) ((const char *const[]){__VA_ARGS__, NULL})

const struct ls_rule_def ls_rules_devtools[] = {
    /* GitLab token prefixes: docs.gitlab.com/ee/security/token_overview.html#token-prefixes (glptt- + 40 hex) */
    {.rule = {"gitlab-pipeline-trigger-token", LS_CAT_SECRET, "GitLab pipeline trigger token (glptt-)"},
     .variants = {{"glptt-", LS_LB_TOKEN "glptt-[a-f0-9]{40}" LS_LA_TOKEN, 6, 46, NULL}},
     .min_entropy = 3.0,
     .examples =
         EX({"key: glptt-49591d8b253a1f2d71b751ada1b63f92def094a9\n", "glptt-49591d8b253a1f2d71b751ada1b63f92def094a9"},
            {"export TOKEN=\"glptt-50fd9845fd24f2fc6e9d3d56a8b15b0ec8b6880d\"\n",
             "glptt-50fd9845fd24f2fc6e9d3d56a8b15b0ec8b6880d"},
            {"{\"credential\":\"glptt-1e6120062f3390d5fe59627830e5b7d8665a04e7\",\"ok\":true}",
             "glptt-1e6120062f3390d5fe59627830e5b7d8665a04e7"}),
     .negatives = NEG("glptt-49591d8b")},

    /* GitLab token prefixes: docs.gitlab.com/ee/security/token_overview.html#token-prefixes (glrt-, optionally
     * t1_/t2_/t3_) */
    {.rule = {"gitlab-runner-token", LS_CAT_SECRET, "GitLab runner authentication token (glrt-)"},
     .variants = {{"glrt-", LS_LB_TOKEN "glrt-(?:t\\d_)?[A-Za-z0-9_-]{20,64}" LS_LA_TOKEN, 5, 72, NULL}},
     .min_entropy = 3.5,
     .examples = EX({"key: glrt-t1_xm4OM2ysolTGXHIqSxLhcf8tYHn\n", "glrt-t1_xm4OM2ysolTGXHIqSxLhcf8tYHn"},
                    {"export TOKEN=\"glrt-t1_tqQ58fRr1b7c5zGkJgY_SRzYBfq\"\n", "glrt-t1_tqQ58fRr1b7c5zGkJgY_SRzYBfq"},
                    {"{\"credential\":\"glrt-t1_HtQytJgTFAIc7uoxSaz02YuHcTU\",\"ok\":true}",
                     "glrt-t1_HtQytJgTFAIc7uoxSaz02YuHcTU"}),
     .negatives = NEG("glrt-t1_xm4OM")},

    /* GitLab token prefixes: docs.gitlab.com/ee/security/token_overview.html#token-prefixes (GR1348941 + 20
     * characters) */
    {.rule = {"gitlab-runner-registration-token", LS_CAT_SECRET, "GitLab runner registration token (GR1348941)"},
     .variants = {{"GR1348941", LS_LB_TOKEN "GR1348941[A-Za-z0-9_-]{20}" LS_LA_TOKEN, 9, 29, NULL}},
     .min_entropy = 3.5,
     .examples =
         EX({"key: GR1348941g8L5qOZsIfvJVKCZvDYE\n", "GR1348941g8L5qOZsIfvJVKCZvDYE"},
            {"export TOKEN=\"GR1348941fh7j8SFCd02W3Pm76IE4\"\n", "GR1348941fh7j8SFCd02W3Pm76IE4"},
            {"{\"credential\":\"GR1348941jrK8AgME7WDWA9oNzjIb\",\"ok\":true}", "GR1348941jrK8AgME7WDWA9oNzjIb"}),
     .negatives = NEG("GR1348941g8L5qOZs")},

    /* GitLab token prefixes: docs.gitlab.com/ee/security/token_overview.html#token-prefixes (gldt-) */
    {.rule = {"gitlab-deploy-token", LS_CAT_SECRET, "GitLab deploy token (gldt-)"},
     .variants = {{"gldt-", LS_LB_TOKEN "gldt-[A-Za-z0-9_-]{20,64}" LS_LA_TOKEN, 5, 69, NULL}},
     .min_entropy = 3.5,
     .examples = EX({"key: gldt-nzS4bXzeeUJd0X0OJRpa\n", "gldt-nzS4bXzeeUJd0X0OJRpa"},
                    {"export TOKEN=\"gldt--dQux6F0B00q9VCZo_kP\"\n", "gldt--dQux6F0B00q9VCZo_kP"},
                    {"{\"credential\":\"gldt-a4GAw3DOz7iOPnXlZidG\",\"ok\":true}", "gldt-a4GAw3DOz7iOPnXlZidG"}),
     .negatives = NEG("gldt-nzS4bXze")},

    /* GitLab token prefixes: docs.gitlab.com/ee/security/token_overview.html#token-prefixes (glft-) */
    {.rule = {"gitlab-feed-token", LS_CAT_SECRET, "GitLab feed token (glft-)"},
     .variants = {{"glft-", LS_LB_TOKEN "glft-[A-Za-z0-9_-]{20,64}" LS_LA_TOKEN, 5, 69, NULL}},
     .min_entropy = 3.5,
     .examples = EX({"key: glft-huvnmr1jIuf_6Nx50QuZ\n", "glft-huvnmr1jIuf_6Nx50QuZ"},
                    {"export TOKEN=\"glft-Re3XGCEQ34wzdIOJ6sbP\"\n", "glft-Re3XGCEQ34wzdIOJ6sbP"},
                    {"{\"credential\":\"glft-VNSUIGQp1rxTxbemznkH\",\"ok\":true}", "glft-VNSUIGQp1rxTxbemznkH"}),
     .negatives = NEG("glft-huvnmr1j")},

    /* GitLab token prefixes: docs.gitlab.com/ee/security/token_overview.html#token-prefixes (gloas- + 64 hex) */
    {.rule = {"gitlab-oauth-app-secret", LS_CAT_SECRET, "GitLab OAuth application secret (gloas-)"},
     .variants = {{"gloas-", LS_LB_TOKEN "gloas-[a-f0-9]{64}" LS_LA_TOKEN, 6, 70, NULL}},
     .min_entropy = 3.0,
     .examples =
         EX({"key: gloas-90c135b991268ff852d93a65659bb3373b35592bfd010567da3db7afe9896859\n",
             "gloas-90c135b991268ff852d93a65659bb3373b35592bfd010567da3db7afe9896859"},
            {"export TOKEN=\"gloas-6e70f7db724262ed37e2977826ed562da76ee302527869472d27370947fde268\"\n",
             "gloas-6e70f7db724262ed37e2977826ed562da76ee302527869472d27370947fde268"},
            {"{\"credential\":\"gloas-c2803364c4941a5fc6fbeae2d9d711e8e0b9ce87dd0dde66596d45fe250d6c3d\",\"ok\":true}",
             "gloas-c2803364c4941a5fc6fbeae2d9d711e8e0b9ce87dd0dde66596d45fe250d6c3d"}),
     .negatives = NEG("gloas-90c135b9")},

    /* GitLab token prefixes: docs.gitlab.com/ee/security/token_overview.html#token-prefixes (glsoat-) */
    {.rule = {"gitlab-scim-token", LS_CAT_SECRET, "GitLab SCIM OAuth token (glsoat-)"},
     .variants = {{"glsoat-", LS_LB_TOKEN "glsoat-[A-Za-z0-9_-]{20,64}" LS_LA_TOKEN, 7, 71, NULL}},
     .min_entropy = 3.5,
     .examples = EX({"key: glsoat-3RIv--7_y7FntIdRauwy\n", "glsoat-3RIv--7_y7FntIdRauwy"},
                    {"export TOKEN=\"glsoat-GM97NMdYn7A1qoVfUr6p\"\n", "glsoat-GM97NMdYn7A1qoVfUr6p"},
                    {"{\"credential\":\"glsoat-kpOEYy6dIyXA8fn6WETJ\",\"ok\":true}", "glsoat-kpOEYy6dIyXA8fn6WETJ"}),
     .negatives = NEG("glsoat-3RIv--7_")},

    /* GitLab token prefixes: docs.gitlab.com/ee/security/token_overview.html#token-prefixes (glcbt-) */
    {.rule = {"gitlab-ci-job-token", LS_CAT_SECRET, "GitLab CI/CD job token (glcbt-)"},
     .variants = {{"glcbt-", LS_LB_TOKEN "glcbt-(?:[0-9a-fA-F]{1,5}_)?[A-Za-z0-9_-]{20,64}" LS_LA_TOKEN, 6, 76, NULL}},
     .min_entropy = 3.5,
     .examples =
         EX({"key: glcbt-64_I9J_vUH3hDWz49fMBDFz\n", "glcbt-64_I9J_vUH3hDWz49fMBDFz"},
            {"export TOKEN=\"glcbt-64_tX9SIXAS_0MhVcMKHnIg\"\n", "glcbt-64_tX9SIXAS_0MhVcMKHnIg"},
            {"{\"credential\":\"glcbt-64_2evm1BBqpICoLhC74YWg\",\"ok\":true}", "glcbt-64_2evm1BBqpICoLhC74YWg"}),
     .negatives = NEG("glcbt-64_I9J_v")},

    /* GitLab token prefixes: docs.gitlab.com/ee/security/token_overview.html#token-prefixes (glimt- + 25
     * characters) */
    {.rule = {"gitlab-incoming-mail-token", LS_CAT_SECRET, "GitLab incoming mail token (glimt-)"},
     .variants = {{"glimt-", LS_LB_TOKEN "glimt-[A-Za-z0-9_-]{25}" LS_LA_TOKEN, 6, 31, NULL}},
     .min_entropy = 3.5,
     .examples =
         EX({"key: glimt-VQ5lwPV29IKGGUU5k2TiiWb5B\n", "glimt-VQ5lwPV29IKGGUU5k2TiiWb5B"},
            {"export TOKEN=\"glimt-QoXC8h--7cO1q6-fRliUUYwwR\"\n", "glimt-QoXC8h--7cO1q6-fRliUUYwwR"},
            {"{\"credential\":\"glimt-puoO8wwJNERrg5lWHGZfG80Br\",\"ok\":true}", "glimt-puoO8wwJNERrg5lWHGZfG80Br"}),
     .negatives = NEG("glimt-VQ5lwPV2")},

    /* GitLab token prefixes: docs.gitlab.com/ee/security/token_overview.html#token-prefixes (glagent- + 50
     * characters) */
    {.rule = {"gitlab-agent-token", LS_CAT_SECRET, "GitLab agent for Kubernetes token (glagent-)"},
     .variants = {{"glagent-", LS_LB_TOKEN "glagent-[A-Za-z0-9_-]{50}" LS_LA_TOKEN, 8, 58, NULL}},
     .min_entropy = 3.5,
     .examples = EX({"key: glagent-_w2oIFSm0sXbtE4b9DAWVrjyv2bv5l-SAu7t2a-GLoflZit_Zn\n",
                     "glagent-_w2oIFSm0sXbtE4b9DAWVrjyv2bv5l-SAu7t2a-GLoflZit_Zn"},
                    {"export TOKEN=\"glagent-T3sgg9LwkTj4nb6lcNZ9kVv3hGRRkzFlv0uSNbtW33VHtvAsia\"\n",
                     "glagent-T3sgg9LwkTj4nb6lcNZ9kVv3hGRRkzFlv0uSNbtW33VHtvAsia"},
                    {"{\"credential\":\"glagent-lZnnneOfZPnrj6rSRfAvn-4zMle2Vu2ZBTzn37YwaCGo5tNvQ4\",\"ok\":true}",
                     "glagent-lZnnneOfZPnrj6rSRfAvn-4zMle2Vu2ZBTzn37YwaCGo5tNvQ4"}),
     .negatives = NEG("glagent-_w2oIFSm")},

    /* GitLab token prefixes: docs.gitlab.com/ee/security/token_overview.html#token-prefixes (glffct-) */
    {.rule = {"gitlab-feature-flags-token", LS_CAT_SECRET, "GitLab feature flags client token (glffct-)"},
     .variants = {{"glffct-", LS_LB_TOKEN "glffct-[A-Za-z0-9_-]{20,64}" LS_LA_TOKEN, 7, 71, NULL}},
     .min_entropy = 3.5,
     .examples = EX({"key: glffct-5LVLYP7kfrWy1VEe3yl0\n", "glffct-5LVLYP7kfrWy1VEe3yl0"},
                    {"export TOKEN=\"glffct-7IhKHAyJ24eQMdN38qOz\"\n", "glffct-7IhKHAyJ24eQMdN38qOz"},
                    {"{\"credential\":\"glffct-5Lpwzbqm4XsiFGp7Z9MY\",\"ok\":true}", "glffct-5Lpwzbqm4XsiFGp7Z9MY"}),
     .negatives = NEG("glffct-5LVLYP7k")},

    /* App passwords start with ATBB. support.atlassian.com/bitbucket-cloud/docs/app-passwords */
    {.rule = {"bitbucket-app-password", LS_CAT_SECRET, "Bitbucket app password (ATBB)"},
     .variants = {{"ATBB", LS_LB_TOKEN "ATBB[A-Za-z0-9_=.-]{32}" LS_LA_TOKEN, 4, 36, NULL}},
     .min_entropy = 3.5,
     .examples = EX({"key: ATBBOvZZgM8lrpi5FlrQl9XoU6XLETu5Hwi7\n", "ATBBOvZZgM8lrpi5FlrQl9XoU6XLETu5Hwi7"},
                    {"export TOKEN=\"ATBBXw8IQNK5GgPdDD8d8mgRgnjIYyv6Fpz0\"\n", "ATBBXw8IQNK5GgPdDD8d8mgRgnjIYyv6Fpz0"},
                    {"{\"credential\":\"ATBB5JDy0j5DA0MmIai4PMYc3BgumsJ6cReE\",\"ok\":true}",
                     "ATBB5JDy0j5DA0MmIai4PMYc3BgumsJ6cReE"}),
     .negatives = NEG("ATBBOvZZgM8l")},

    /* API tokens for Jira/Confluence start with ATATT3. support.atlassian.com/atlassian-account/docs/manage-api-
     * tokens-for-your-atlassian-account */
    {.rule = {"atlassian-api-token", LS_CAT_SECRET, "Atlassian API token (ATATT3)"},
     .variants = {{"ATATT3", LS_LB_TOKEN "ATATT3[A-Za-z0-9_=-]{180,200}" LS_LA_TOKEN, 6, 206, NULL}},
     .min_entropy = 4.0,
     .examples = EX(
         {"key: "
          "ATATT3xFfGF0lTDV8f431jdEjMb0Gz9in8H2ZKWpaGieWDeNpVq1U8x12Ur-IEIG_Qoqm5N6CQEW37uRrqDMxwkOusUfhHeIo-"
          "2maZhOqLU2vlLleQqXvD4VkQ1fzDFf7xS7axUlPo_s1emTY0mZuQRiUB9ZOicz_OI5_KsWZuVRm-kJfGVS6pyZx9YW5gya\n",
          "ATATT3xFfGF0lTDV8f431jdEjMb0Gz9in8H2ZKWpaGieWDeNpVq1U8x12Ur-IEIG_Qoqm5N6CQEW37uRrqDMxwkOusUfhHeIo-"
          "2maZhOqLU2vlLleQqXvD4VkQ1fzDFf7xS7axUlPo_s1emTY0mZuQRiUB9ZOicz_OI5_KsWZuVRm-kJfGVS6pyZx9YW5gya"},
         {"export "
          "TOKEN=\"ATATT3xFfGF0sGtK86nW3OwRJqwjYghMyu4efi1SiJwmaYSeEvuFaNpvG_xD_ilk_"
          "5g5Cl2ZrTXrVO0sKdGiOfzaYbSjytv4YaPmdKIkIbiYi5hvdILaiKzMY2kS_"
          "DBdRKT6laNsVrX2cqvhU3hjLyQBoqqUCJ7596pMwAHvAVEu8p72wX17jfpolFStsYe8\"\n",
          "ATATT3xFfGF0sGtK86nW3OwRJqwjYghMyu4efi1SiJwmaYSeEvuFaNpvG_xD_ilk_"
          "5g5Cl2ZrTXrVO0sKdGiOfzaYbSjytv4YaPmdKIkIbiYi5hvdILaiKzMY2kS_"
          "DBdRKT6laNsVrX2cqvhU3hjLyQBoqqUCJ7596pMwAHvAVEu8p72wX17jfpolFStsYe8"},
         {"{\"credential\":\"ATATT3xFfGF0mxT3pmuBRHKvpyKLQL51xvA15AwPcfaWGGQatWlrDcGNLx4rUC4C3EqW6utB4YhN06gdrqNCA59Wn_"
          "zcy1gpHIR7mUX3WXyc4WfqyI2AeIJITPnLsm-irHwhZREbW5qs_WzTxnCEcuGizrdRIA7ydQvn9TxSWmkLPwmDnI2VHzaXe4Spk4tp\","
          "\"ok\":true}",
          "ATATT3xFfGF0mxT3pmuBRHKvpyKLQL51xvA15AwPcfaWGGQatWlrDcGNLx4rUC4C3EqW6utB4YhN06gdrqNCA59Wn_"
          "zcy1gpHIR7mUX3WXyc4WfqyI2AeIJITPnLsm-irHwhZREbW5qs_WzTxnCEcuGizrdRIA7ydQvn9TxSWmkLPwmDnI2VHzaXe4Spk4tp"}),
     .negatives = NEG("ATATT3xFfGF0lT")},

    /* Access tokens start with ATCTT3. support.atlassian.com/bitbucket-cloud/docs/access-tokens */
    {.rule = {"bitbucket-access-token", LS_CAT_SECRET, "Bitbucket repository/project/workspace access token (ATCTT3)"},
     .variants = {{"ATCTT3", LS_LB_TOKEN "ATCTT3[A-Za-z0-9_=-]{180,200}" LS_LA_TOKEN, 6, 206, NULL}},
     .min_entropy = 4.0,
     .examples =
         EX({"key: "
             "ATCTT3xFfGN0-6QqSXxpshO5WaAom_0ZmYjLlEICycj8vCQ4MCUO4Ozqx_8-"
             "oyrL2YG1Oz8qG5QELGC81vFi0V3RG6qHVIwgtCG8UaFAVCza-"
             "GttF3UPlJuSRyO5Sy5Fz6td5qq7n9utXFBeEVMrCnQvG1yVaceLmeHNZZYJo3VaP2a2aysub1VuzhSHR3Le\n",
             "ATCTT3xFfGN0-6QqSXxpshO5WaAom_0ZmYjLlEICycj8vCQ4MCUO4Ozqx_8-"
             "oyrL2YG1Oz8qG5QELGC81vFi0V3RG6qHVIwgtCG8UaFAVCza-"
             "GttF3UPlJuSRyO5Sy5Fz6td5qq7n9utXFBeEVMrCnQvG1yVaceLmeHNZZYJo3VaP2a2aysub1VuzhSHR3Le"},
            {"export "
             "TOKEN=\"ATCTT3xFfGN0JHjnvMOV-mcT8jH5h5aRxqJSu1mu3v_EF4n6nkx_"
             "CRsd8fmwEEtYBhgYS4yIFn2HVdR5o2xtmFLWrUtC1PjAfk0SF-n3eaiN32i9T_P0V55pwMdGrzJg7UFZVvwk1NKpFt5gnPGIKm1r_"
             "j7CHF4eZGXNnad2NsVOZ2mtk4eSdZJbLth8VnbQ\"\n",
             "ATCTT3xFfGN0JHjnvMOV-mcT8jH5h5aRxqJSu1mu3v_EF4n6nkx_CRsd8fmwEEtYBhgYS4yIFn2HVdR5o2xtmFLWrUtC1PjAfk0SF-"
             "n3eaiN32i9T_P0V55pwMdGrzJg7UFZVvwk1NKpFt5gnPGIKm1r_j7CHF4eZGXNnad2NsVOZ2mtk4eSdZJbLth8VnbQ"},
            {"{\"credential\":\"ATCTT3xFfGN02JF9JkaOG9eIAe4KDkC1tyk6Q7wQbabmX2Ji_reayVso-"
             "kGacZ8Qaf1o6kf8l1T2O7wvsTDsfGBRz2_0NkVD6ILAivcJp4njcFSxHEdX2Xdi4FR22dFbXDdXd0iYHUj6h4Yb_"
             "oFmFAXA7CRyy9eoRq0LKt1YHGVS1K350RzZGZzCNOdUvpP2\",\"ok\":true}",
             "ATCTT3xFfGN02JF9JkaOG9eIAe4KDkC1tyk6Q7wQbabmX2Ji_reayVso-kGacZ8Qaf1o6kf8l1T2O7wvsTDsfGBRz2_"
             "0NkVD6ILAivcJp4njcFSxHEdX2Xdi4FR22dFbXDdXd0iYHUj6h4Yb_oFmFAXA7CRyy9eoRq0LKt1YHGVS1K350RzZGZzCNOdUvpP2"}),
     .negatives = NEG("ATCTT3xFfGN0-6")},

    /* API tokens are macaroons: pypi- + base64 of a header naming pypi.org. pypi.org/help/#apitoken */
    {.rule = {"pypi-upload-token", LS_CAT_SECRET, "PyPI API token (pypi-AgEIcHlwaS5vcmc…)"},
     .variants = {{"pypi-AgEIcHlwaS5vcmc", LS_LB_TOKEN "pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,300}" LS_LA_TOKEN, 20, 320,
                   NULL}},
     .min_entropy = 4.0,
     .examples = EX(
         {"key: "
          "pypi-AgEIcHlwaS5vcmc0_GxamPTSEgBrskZH7XeywI7-1IjbF-mFhadsJye6BYmxgsR92OYOgr8LKw9eMAB4aGwthn6jlFs9OuyLdGdt_"
          "ary-rbvn33d2d6zEbWFjCn_C9jOuYpA8hVUZoCMFSMAlZlhZbZBcGXDgK6EehcOk\n",
          "pypi-AgEIcHlwaS5vcmc0_GxamPTSEgBrskZH7XeywI7-1IjbF-mFhadsJye6BYmxgsR92OYOgr8LKw9eMAB4aGwthn6jlFs9OuyLdGdt_"
          "ary-rbvn33d2d6zEbWFjCn_C9jOuYpA8hVUZoCMFSMAlZlhZbZBcGXDgK6EehcOk"},
         {"export "
          "TOKEN=\"pypi-AgEIcHlwaS5vcmca5kFYxTIPlwHt5knvXg4vt90UdUvEdHau-"
          "aNolxfsXhYmxRA2qsYrTxpdTsh1Wqjh7RqJzD1kL6g6Og406h3wzq38tmTXJRfy2k9sX9psO0lXu2muEE1K2bj_LYp-"
          "FTyvc5rF1PxDuxwz0zuAn-BVl\"\n",
          "pypi-AgEIcHlwaS5vcmca5kFYxTIPlwHt5knvXg4vt90UdUvEdHau-"
          "aNolxfsXhYmxRA2qsYrTxpdTsh1Wqjh7RqJzD1kL6g6Og406h3wzq38tmTXJRfy2k9sX9psO0lXu2muEE1K2bj_LYp-"
          "FTyvc5rF1PxDuxwz0zuAn-BVl"},
         {"{\"credential\":\"pypi-AgEIcHlwaS5vcmcC_lqN4UFUZ9xpo8XkmN54L7_fVVTNWEGm58zlGFC7UPDVExw09b-"
          "rEBtsFjbxlIkJAQkykMydEQZjOG1J7Td3uv0yBXiKKWp7BLDBJULiMksCy805Ue6PBafZrnKhnq8zMNEKEwcRhbZ08rQQl3R7q\",\"ok\":"
          "true}",
          "pypi-AgEIcHlwaS5vcmcC_lqN4UFUZ9xpo8XkmN54L7_fVVTNWEGm58zlGFC7UPDVExw09b-"
          "rEBtsFjbxlIkJAQkykMydEQZjOG1J7Td3uv0yBXiKKWp7BLDBJULiMksCy805Ue6PBafZrnKhnq8zMNEKEwcRhbZ08rQQl3R7q"}),
     .negatives = NEG("pypi-AgEIcHlwaS5vcmc0_GxamPT")},

    /* Personal access tokens: dckr_pat_ + 27 characters. docs.docker.com/security/for-developers/access-tokens */
    {.rule = {"dockerhub-pat", LS_CAT_SECRET, "Docker Hub personal access token (dckr_pat_)"},
     .variants = {{"dckr_pat_", LS_LB_TOKEN "dckr_pat_[A-Za-z0-9_-]{27}" LS_LA_TOKEN, 9, 36, NULL}},
     .min_entropy = 3.5,
     .examples = EX({"key: dckr_pat_c2V2aYorfKtMIwBWrL_tE91ccMm\n", "dckr_pat_c2V2aYorfKtMIwBWrL_tE91ccMm"},
                    {"export TOKEN=\"dckr_pat_AP48pBuzDcoCC3qZQICyhmHoyIU\"\n", "dckr_pat_AP48pBuzDcoCC3qZQICyhmHoyIU"},
                    {"{\"credential\":\"dckr_pat_tZ6cwyrczv93rf3WkMn7rq8CDvf\",\"ok\":true}",
                     "dckr_pat_tZ6cwyrczv93rf3WkMn7rq8CDvf"}),
     .negatives = NEG("dckr_pat_c2V2aYor")},

    /* Organization access tokens: dckr_oat_. docs.docker.com/security/for-admins/access-tokens */
    {.rule = {"dockerhub-oat", LS_CAT_SECRET, "Docker Hub organization access token (dckr_oat_)"},
     .variants = {{"dckr_oat_", LS_LB_TOKEN "dckr_oat_[A-Za-z0-9_-]{27,40}" LS_LA_TOKEN, 9, 49, NULL}},
     .min_entropy = 3.5,
     .examples = EX(
         {"key: dckr_oat_QSpfGTCaEBtcDrXuJO_O9BfYH9b5YT0G\n", "dckr_oat_QSpfGTCaEBtcDrXuJO_O9BfYH9b5YT0G"},
         {"export TOKEN=\"dckr_oat_XAi6ezgoBjLvSIXP-7bbKhSpjwy3oZkf\"\n", "dckr_oat_XAi6ezgoBjLvSIXP-7bbKhSpjwy3oZkf"},
         {"{\"credential\":\"dckr_oat_cLV3j4rwaQFPkuRvxAW1lsOJWGkc6uQn\",\"ok\":true}",
          "dckr_oat_cLV3j4rwaQFPkuRvxAW1lsOJWGkc6uQn"}),
     .negatives = NEG("dckr_oat_QSpfGTCa")},

    /* API keys: rubygems_ + 48 hex. guides.rubygems.org/api-key-scopes */
    {.rule = {"rubygems-api-key", LS_CAT_SECRET, "RubyGems API key (rubygems_)"},
     .variants = {{"rubygems_", LS_LB_TOKEN "rubygems_[a-f0-9]{48}" LS_LA_TOKEN, 9, 57, NULL}},
     .min_entropy = 3.0,
     .examples = EX({"key: rubygems_946b1bf19b6a14d798b10ca54300ab684b6d077e19e41f05\n",
                     "rubygems_946b1bf19b6a14d798b10ca54300ab684b6d077e19e41f05"},
                    {"export TOKEN=\"rubygems_7bd521a23f921ebf0b3cf20885ff15da1d6bc2077c3853db\"\n",
                     "rubygems_7bd521a23f921ebf0b3cf20885ff15da1d6bc2077c3853db"},
                    {"{\"credential\":\"rubygems_1407ea8a7db18b75b42e31aa2b59fb0a2851653edd76c9e8\",\"ok\":true}",
                     "rubygems_1407ea8a7db18b75b42e31aa2b59fb0a2851653edd76c9e8"}),
     .negatives = NEG("rubygems_946b1bf1")},

    /* API keys: oy2 + 43 lowercase characters. learn.microsoft.com/nuget/nuget-org/scoped-api-keys */
    {.rule = {"nuget-api-key", LS_CAT_SECRET, "NuGet.org API key (oy2)"},
     .variants = {{"oy2[a-z0-9]{43}", LS_LB_ALNUM "oy2[a-z0-9]{43}" LS_LA_TOKEN, 46, 46, NULL}},
     .min_entropy = 3.5,
     .examples =
         EX({"key: oy23iaoifcvqwf10hnghedhi06ub7q1zfencjdih7kepod\n", "oy23iaoifcvqwf10hnghedhi06ub7q1zfencjdih7kepod"},
            {"export TOKEN=\"oy202x5aaysaxnyfat3km05sph3lov3dtdqe3wd9fl3poj\"\n",
             "oy202x5aaysaxnyfat3km05sph3lov3dtdqe3wd9fl3poj"},
            {"{\"credential\":\"oy22u94v6g1m6ru6hax0dw9c905iqzmrckjdemyikf4alv\",\"ok\":true}",
             "oy22u94v6g1m6ru6hax0dw9c905iqzmrckjdemyikf4alv"}),
     .negatives = NEG("oy23iaoifcvqwf10hnghedhi06ub7q")},

    /* API keys: AKCp + 69 characters. jfrog.com/help/r/jfrog-platform-administration-documentation/api-key */
    {.rule = {"jfrog-api-key", LS_CAT_SECRET, "JFrog Artifactory API key (AKCp)"},
     .variants = {{"AKCp", LS_LB_TOKEN "AKCp[A-Za-z0-9]{69}" LS_LA_TOKEN, 4, 73, NULL}},
     .min_entropy = 3.5,
     .examples = EX(
         {"key: AKCp3t8D5sUTkpDRw1SwvlLerpopyuf7Ds5cUt9RoL1snXzxOycrWRBgLEHPa2ggVKvgJnDor\n",
          "AKCp3t8D5sUTkpDRw1SwvlLerpopyuf7Ds5cUt9RoL1snXzxOycrWRBgLEHPa2ggVKvgJnDor"},
         {"export TOKEN=\"AKCpIQ1Qrk77LDgSNZYPv67CFZdL98yN7htwKpwTHp59Ju1OUHiOHL5PwH6VyUEVAKuMjqLDq\"\n",
          "AKCpIQ1Qrk77LDgSNZYPv67CFZdL98yN7htwKpwTHp59Ju1OUHiOHL5PwH6VyUEVAKuMjqLDq"},
         {"{\"credential\":\"AKCplCeoagqbMgHJCWM8oJVDewDLIGhucbAMvZnp9jOsOgNsCOMnBPpHGtiekJkgVhCvbtnFK\",\"ok\":true}",
          "AKCplCeoagqbMgHJCWM8oJVDewDLIGhucbAMvZnp9jOsOgNsCOMnBPpHGtiekJkgVhCvbtnFK"}),
     .negatives = NEG("AKCp3t8D5sUT")},

    /* Reference tokens are base64 of "reftkn:01:…". jfrog.com/help/r/jfrog-platform-administration-
     * documentation/access-tokens */
    {.rule = {"jfrog-identity-token", LS_CAT_SECRET, "JFrog identity/reference token (cmVmdGtu…)"},
     .variants = {{"cmVmdGtuOjAxOj", LS_LB_TOKEN "cmVmdGtuOjAxOj[A-Za-z0-9]{50}" LS_LA_TOKEN, 14, 64, NULL}},
     .min_entropy = 3.5,
     .examples =
         EX({"key: cmVmdGtuOjAxOj4Lw68VflngbQir3yBsEbLHeEhkkgrp0PjBpz8RtOxV7xAVfss6\n",
             "cmVmdGtuOjAxOj4Lw68VflngbQir3yBsEbLHeEhkkgrp0PjBpz8RtOxV7xAVfss6"},
            {"export TOKEN=\"cmVmdGtuOjAxOjxnGleiBcdRLD0aorcMgap2Qa507bYY1TIo4YsgtRKofKIkhlJc\"\n",
             "cmVmdGtuOjAxOjxnGleiBcdRLD0aorcMgap2Qa507bYY1TIo4YsgtRKofKIkhlJc"},
            {"{\"credential\":\"cmVmdGtuOjAxOj3NwE5Xppz3EfbDL4Url4HbvfEW4dec6XIviJE7wfCjrOYIIcvw\",\"ok\":true}",
             "cmVmdGtuOjAxOj3NwE5Xppz3EfbDL4Url4HbvfEW4dec6XIviJE7wfCjrOYIIcvw"}),
     .negatives = NEG("cmVmdGtuOjAxOj4Lw68Vfl")},

    /* Deploy tokens: CLOJARS_ + 60 hex. github.com/clojars/clojars-web/wiki/Deploy-Tokens */
    {.rule = {"clojars-deploy-token", LS_CAT_SECRET, "Clojars deploy token (CLOJARS_)"},
     .variants = {{"CLOJARS_", LS_LB_TOKEN "CLOJARS_[a-f0-9]{60}" LS_LA_TOKEN, 8, 68, NULL}},
     .min_entropy = 3.0,
     .examples =
         EX({"key: CLOJARS_16d0d24ed149013c7d45eb71310e8eb617a8af4d05808cfbd1e0414917bf\n",
             "CLOJARS_16d0d24ed149013c7d45eb71310e8eb617a8af4d05808cfbd1e0414917bf"},
            {"export TOKEN=\"CLOJARS_e9f0c642cd119b99b7b4568de2b003d4b2cbec0c3152e353cdc44a729fe5\"\n",
             "CLOJARS_e9f0c642cd119b99b7b4568de2b003d4b2cbec0c3152e353cdc44a729fe5"},
            {"{\"credential\":\"CLOJARS_d2db53e62f53907890917f52ae019aabe05481ec2a9104b05183619fe21e\",\"ok\":true}",
             "CLOJARS_d2db53e62f53907890917f52ae019aabe05481ec2a9104b05183619fe21e"}),
     .negatives = NEG("CLOJARS_16d0d24e")},

    /* Personal tokens: CCIPAT_ + 22 _ 40 hex; project tokens CCIPRJ_. circleci.com/docs/managing-api-tokens */
    {.rule = {"circleci-pat", LS_CAT_SECRET, "CircleCI personal API token (CCIPAT_)"},
     .variants = {{"CCIP(?:AT|RJ)_", LS_LB_TOKEN "CCIP(?:AT|RJ)_[A-Za-z0-9]{22}_[a-f0-9]{40}" LS_LA_TOKEN, 7, 70,
                   NULL}},
     .min_entropy = 3.0,
     .examples =
         EX({"key: CCIPAT_z47c4qGWzmzbyGbBKfRj7E_d8c529f98606948a0661b8b91f9f1274d3753215\n",
             "CCIPAT_z47c4qGWzmzbyGbBKfRj7E_d8c529f98606948a0661b8b91f9f1274d3753215"},
            {"export TOKEN=\"CCIPAT_EzQvLhfv4JpvBU9tG8ZwvI_3db87baff6ff3f592b659ecb38ca4977c1b85227\"\n",
             "CCIPAT_EzQvLhfv4JpvBU9tG8ZwvI_3db87baff6ff3f592b659ecb38ca4977c1b85227"},
            {"{\"credential\":\"CCIPAT_Iyi8pb1ruSMq7O4z9zPi47_ec34b2ed683987c1e421e3446231465b198becbc\",\"ok\":true}",
             "CCIPAT_Iyi8pb1ruSMq7O4z9zPi47_ec34b2ed683987c1e421e3446231465b198becbc"}),
     .negatives = NEG("CCIPAT_z47c4qGW")},

    /* API access tokens: bkua_ + 40 hex. buildkite.com/docs/apis/managing-api-tokens */
    {.rule = {"buildkite-token", LS_CAT_SECRET, "Buildkite API access token (bkua_)"},
     .variants = {{"bkua_", LS_LB_TOKEN "bkua_[a-f0-9]{40}" LS_LA_TOKEN, 5, 45, NULL}},
     .min_entropy = 3.0,
     .examples =
         EX({"key: bkua_2d3fe235e000364ec1b3d4fc345fac2afe55e217\n", "bkua_2d3fe235e000364ec1b3d4fc345fac2afe55e217"},
            {"export TOKEN=\"bkua_48efd8892acbed56949ce7b6db7a056157e5cf6b\"\n",
             "bkua_48efd8892acbed56949ce7b6db7a056157e5cf6b"},
            {"{\"credential\":\"bkua_16a0e3590c8ba08414c47393f6edec0ae106be82\",\"ok\":true}",
             "bkua_16a0e3590c8ba08414c47393f6edec0ae106be82"}),
     .negatives = NEG("bkua_2d3fe235")},

    /* Tokens: pat.<account>.<24 hex>.<20 characters>. developer.harness.io/docs/platform/automation/api/add-and-
     * manage-api-keys */
    {.rule = {"harness-pat", LS_CAT_SECRET, "Harness personal access token (pat.)"},
     .variants = {{"pat\\.[A-Za-z0-9_-]{22}\\.[a-f0-9]{24}\\.",
                   LS_LB_TOKEN "pat\\.[A-Za-z0-9_-]{22}\\.[a-f0-9]{24}\\.[A-Za-z0-9]{20}" LS_LA_TOKEN, 52, 72, NULL}},
     .min_entropy = 3.5,
     .examples = EX(
         {"key: pat.0-6ABA_SGT9O5Z70yg_eNr.34c7981b84eb559810d9788e.1PTsd7NJEOpjvnX0HbTk\n",
          "pat.0-6ABA_SGT9O5Z70yg_eNr.34c7981b84eb559810d9788e.1PTsd7NJEOpjvnX0HbTk"},
         {"export TOKEN=\"pat.kuvsKO-AyqCYCq907L5IDO.1663d7aa73f1b91eaa73261b.t7NnR70XFsHcq0mKYEZi\"\n",
          "pat.kuvsKO-AyqCYCq907L5IDO.1663d7aa73f1b91eaa73261b.t7NnR70XFsHcq0mKYEZi"},
         {"{\"credential\":\"pat.scSofMf9kv4DU-qs2zdJXB.1657023e7a24d08892511fe0.PTqkTXxUwIZXLKXndaNP\",\"ok\":true}",
          "pat.scSofMf9kv4DU-qs2zdJXB.1657023e7a24d08892511fe0.PTqkTXxUwIZXLKXndaNP"}),
     .negatives = NEG("pat.0-6ABA_SGT9O5Z70yg_eNr.34c7981b84eb559810d97")},

    /* API keys: API- + 26 uppercase characters. octopus.com/docs/octopus-rest-api/how-to-create-an-api-key */
    {.rule = {"octopus-deploy-api-key", LS_CAT_SECRET, "Octopus Deploy API key (API-)"},
     .variants = {{"API-[A-Z0-9]{26}", LS_LB_TOKEN "API-[A-Z0-9]{26}(?![A-Za-z0-9_-])", 30, 30, NULL}},
     .min_entropy = 3.5,
     .examples =
         EX({"key: API-UUKN8BH62ZYAW7JG1X7QSEBBES\n", "API-UUKN8BH62ZYAW7JG1X7QSEBBES"},
            {"export TOKEN=\"API-SDKNA45DVSNMREM52QM8G4GCQM\"\n", "API-SDKNA45DVSNMREM52QM8G4GCQM"},
            {"{\"credential\":\"API-YCSWDHCH4SIMXNAGP5CGDGAXIB\",\"ok\":true}", "API-YCSWDHCH4SIMXNAGP5CGDGAXIB"}),
     .negatives = NEG("API-UUKN8BH62ZYAW7JG")},

    /* Access tokens: sgp_ (+ 16 hex instance id _) + 40 hex. sourcegraph.com/docs/cli/how-
     * tos/creating_an_access_token */
    {.rule = {"sourcegraph-token", LS_CAT_SECRET, "Sourcegraph access token (sgp_)"},
     .variants = {{"sgp_", LS_LB_TOKEN "sgp_(?:[a-f0-9]{16}_)?[a-f0-9]{40}" LS_LA_TOKEN, 4, 61, NULL}},
     .min_entropy = 3.0,
     .examples = EX({"key: sgp_208e67bd55b03c75_5785fa5389e045658cd00669dd1f76144b010cc7\n",
                     "sgp_208e67bd55b03c75_5785fa5389e045658cd00669dd1f76144b010cc7"},
                    {"export TOKEN=\"sgp_ffdbc022860cac83_8c142159c172d478e6444b17b2ea2492b5130299\"\n",
                     "sgp_ffdbc022860cac83_8c142159c172d478e6444b17b2ea2492b5130299"},
                    {"{\"credential\":\"sgp_ed73bea3f75bb26f_b0c3a644880d8d623b5edd1d04c3d485fc4fc320\",\"ok\":true}",
                     "sgp_ed73bea3f75bb26f_b0c3a644880d8d623b5edd1d04c3d485fc4fc320"}),
     .negatives = NEG("sgp_208e67bd")},

    /* API keys: PMAK- + 24 hex - 34 hex. learning.postman.com/docs/developer/postman-api/authentication */
    {.rule = {"postman-api-key", LS_CAT_SECRET, "Postman API key (PMAK-)"},
     .variants = {{"PMAK-", LS_LB_TOKEN "PMAK-[a-f0-9]{24}-[a-f0-9]{34}" LS_LA_TOKEN, 5, 64, NULL}},
     .min_entropy = 3.0,
     .examples =
         EX({"key: PMAK-981c1cc2f4f68d481e6be4b5-f7f6ce543fd9e16369990a871b52485c34\n",
             "PMAK-981c1cc2f4f68d481e6be4b5-f7f6ce543fd9e16369990a871b52485c34"},
            {"export TOKEN=\"PMAK-ce18decfa7ad7689816f5d74-96d35c22e2b6b6c1770a4fb2e578f8fd1b\"\n",
             "PMAK-ce18decfa7ad7689816f5d74-96d35c22e2b6b6c1770a4fb2e578f8fd1b"},
            {"{\"credential\":\"PMAK-5f348376148b453f217903a5-918953e21daa280ef333efe1494b1c0ef8\",\"ok\":true}",
             "PMAK-5f348376148b453f217903a5-918953e21daa280ef333efe1494b1c0ef8"}),
     .negatives = NEG("PMAK-981c1cc2")},

    /* API keys: rdme_ + 70 characters. docs.readme.com/main/reference/intro-authentication */
    {.rule = {"readme-api-key", LS_CAT_SECRET, "ReadMe API key (rdme_)"},
     .variants = {{"rdme_", LS_LB_TOKEN "rdme_[a-z0-9]{70}" LS_LA_TOKEN, 5, 75, NULL}},
     .min_entropy = 3.5,
     .examples = EX({"key: rdme_7q71ignfmregdus468vfvkudlmufqy70f8xdj5l570laa5snpb406kl66chyn3122ug0sb\n",
                     "rdme_7q71ignfmregdus468vfvkudlmufqy70f8xdj5l570laa5snpb406kl66chyn3122ug0sb"},
                    {"export TOKEN=\"rdme_epyllui9bjoz26sz9zgi17oikipplc5hlmx43djtnz0422wsl8ao6b82rlcaic2f48n1z2\"\n",
                     "rdme_epyllui9bjoz26sz9zgi17oikipplc5hlmx43djtnz0422wsl8ao6b82rlcaic2f48n1z2"},
                    {"{\"credential\":\"rdme_5eku29r8z95pjmxke692hfgafw3qwtqoc5bxii4relpvvy1mkc1fb81jspou4hx8ownnye\","
                     "\"ok\":true}",
                     "rdme_5eku29r8z95pjmxke692hfgafw3qwtqoc5bxii4relpvvy1mkc1fb81jspou4hx8ownnye"}),
     .negatives = NEG("rdme_7q71ignf")},

    /* API keys: pnu_ + 36 characters. docs.prefect.io/v3/manage/cloud/manage-users/api-keys */
    {.rule = {"prefect-api-key", LS_CAT_SECRET, "Prefect Cloud API key (pnu_)"},
     .variants = {{"pnu_", LS_LB_TOKEN "pnu_[A-Za-z0-9]{36}" LS_LA_TOKEN, 4, 40, NULL}},
     .min_entropy = 3.5,
     .examples =
         EX({"key: pnu_NUchPqB99Vx0UwllqyzNB3g3736cy40NgCR6\n", "pnu_NUchPqB99Vx0UwllqyzNB3g3736cy40NgCR6"},
            {"export TOKEN=\"pnu_e2Rzl7ELW4T5XH1o3lpcQcFBs8aGx57oyKvU\"\n", "pnu_e2Rzl7ELW4T5XH1o3lpcQcFBs8aGx57oyKvU"},
            {"{\"credential\":\"pnu_8mV9tXw0uQ40QXMfyiKJrA9NpgccgZq7hK60\",\"ok\":true}",
             "pnu_8mV9tXw0uQ40QXMfyiKJrA9NpgccgZq7hK60"}),
     .negatives = NEG("pnu_NUchPqB9")},

    /* Tokens: sqp_ (project), sqa_ (global), squ_ (user) + 40 hex. docs.sonarsource.com/sonarqube-
     * server/latest/user-guide/managing-tokens */
    {.rule = {"sonarqube-token", LS_CAT_SECRET, "SonarQube token (sqp_/sqa_/squ_)"},
     .variants = {{"sq[pau]_", LS_LB_TOKEN "sq[pau]_[a-f0-9]{40}" LS_LA_TOKEN, 4, 44, NULL}},
     .min_entropy = 3.0,
     .examples =
         EX({"key: squ_26849d944770decee1d60f7914d83f29bd610ac1\n", "squ_26849d944770decee1d60f7914d83f29bd610ac1"},
            {"export TOKEN=\"squ_fe91e4d061e65377349816be9fbbf30e53175a9a\"\n",
             "squ_fe91e4d061e65377349816be9fbbf30e53175a9a"},
            {"{\"credential\":\"squ_725455379adde48054dc69fcfbba838965e4b35b\",\"ok\":true}",
             "squ_725455379adde48054dc69fcfbba838965e4b35b"}),
     .negatives = NEG("squ_26849d94")},

    /* Personal access tokens start with figd_. figma.com/developers/api#access-tokens */
    {.rule = {"figma-pat", LS_CAT_SECRET, "Figma personal access token (figd_)"},
     .variants = {{"figd_", LS_LB_TOKEN "figd_[A-Za-z0-9_-]{40}" LS_LA_TOKEN, 5, 45, NULL}},
     .min_entropy = 3.5,
     .examples =
         EX({"key: figd_wZoyG15Q_S_AeBXTM2_Xd6zrFafba50m7WuaPpbM\n", "figd_wZoyG15Q_S_AeBXTM2_Xd6zrFafba50m7WuaPpbM"},
            {"export TOKEN=\"figd_5_VItrAYhVtpqyS3N7sqVctEab8P7skYkvgm2qgB\"\n",
             "figd_5_VItrAYhVtpqyS3N7sqVctEab8P7skYkvgm2qgB"},
            {"{\"credential\":\"figd_XwF_QS71VGzv1FjHvLwhSXyaMFOrLCZ89bm588Pj\",\"ok\":true}",
             "figd_XwF_QS71VGzv1FjHvLwhSXyaMFOrLCZ89bm588Pj"}),
     .negatives = NEG("figd_wZoyG15Q")},

    /* Personal API keys: lin_api_ + 40 characters. linear.app/developers/graphql#personal-api-keys */
    {.rule = {"linear-api-key", LS_CAT_SECRET, "Linear personal API key (lin_api_)"},
     .variants = {{"lin_api_", LS_LB_TOKEN "lin_api_[A-Za-z0-9]{40}" LS_LA_TOKEN, 8, 48, NULL}},
     .min_entropy = 3.5,
     .examples = EX({"key: lin_api_EWdD2aXvWwn8RG0AfpKdflo3Qa1pYPSJq8mljE8n\n",
                     "lin_api_EWdD2aXvWwn8RG0AfpKdflo3Qa1pYPSJq8mljE8n"},
                    {"export TOKEN=\"lin_api_sRNMGMQO6tq189MqnHPLM8TyJ3nDwQKcKI1oM25q\"\n",
                     "lin_api_sRNMGMQO6tq189MqnHPLM8TyJ3nDwQKcKI1oM25q"},
                    {"{\"credential\":\"lin_api_2h3VjqGkF8HAN9bIciB1XXotHtVndgGmM6OX87Du\",\"ok\":true}",
                     "lin_api_2h3VjqGkF8HAN9bIciB1XXotHtVndgGmM6OX87Du"}),
     .negatives = NEG("lin_api_EWdD2aXv")},

    /* Internal integration tokens start with ntn_ (older ones secret_). developers.notion.com/docs/authorization */
    {.rule = {"notion-integration-token", LS_CAT_SECRET, "Notion integration token (ntn_)"},
     .variants = {{"ntn_", LS_LB_TOKEN "ntn_[A-Za-z0-9]{46}" LS_LA_TOKEN, 4, 50, NULL}},
     .min_entropy = 3.5,
     .examples = EX({"key: ntn_YeyVEYx0FKDopt8Vlvx4dQAHDJAEzyF9VG7iRy1cZMFJRW\n",
                     "ntn_YeyVEYx0FKDopt8Vlvx4dQAHDJAEzyF9VG7iRy1cZMFJRW"},
                    {"export TOKEN=\"ntn_HM81WwuGsRZNFNMV658b7ILlTPLf26lZosXel00Vb2FnZw\"\n",
                     "ntn_HM81WwuGsRZNFNMV658b7ILlTPLf26lZosXel00Vb2FnZw"},
                    {"{\"credential\":\"ntn_2UfBFCki8zFfAueAfPHyyA9s6c9Z4OIODlDT7G40m0VCor\",\"ok\":true}",
                     "ntn_2UfBFCki8zFfAueAfPHyyA9s6c9Z4OIODlDT7G40m0VCor"}),
     .negatives = NEG("ntn_YeyVEYx0")},

    /* Personal access tokens: pat + 14 characters . 64 hex. airtable.com/developers/web/guides/personal-access-
     * tokens */
    {.rule = {"airtable-pat", LS_CAT_SECRET, "Airtable personal access token (pat….)"},
     .variants = {{"pat[A-Za-z0-9]{14}\\.[a-f0-9]{64}", LS_LB_TOKEN "pat[A-Za-z0-9]{14}\\.[a-f0-9]{64}" LS_LA_TOKEN, 82,
                   82, NULL}},
     .min_entropy = 3.0,
     .examples =
         EX({"key: patLKO4OGLLNjsAip.029e603b6d06796ea4663830fc0598c2d2e087a189b730e532f7cfc1228f06b5\n",
             "patLKO4OGLLNjsAip.029e603b6d06796ea4663830fc0598c2d2e087a189b730e532f7cfc1228f06b5"},
            {"export TOKEN=\"patZdXACzaEJX5YLp.be78d5b04f1d66bcda843e6b73bf92031973bbd09fe95c2dd96fb25407585427\"\n",
             "patZdXACzaEJX5YLp.be78d5b04f1d66bcda843e6b73bf92031973bbd09fe95c2dd96fb25407585427"},
            {"{\"credential\":\"patjPLh7z5N0YMJQU.ae74605b7f1c63825e21b1c88208965448b0e7142e21ed98481e9e40495625f5\","
             "\"ok\":true}",
             "patjPLh7z5N0YMJQU.ae74605b7f1c63825e21b1c88208965448b0e7142e21ed98481e9e40495625f5"}),
     .negatives = NEG("patLKO4OGLLNjsAip.029e603b6d06796ea4663830fc0598c2d2e0")},

    /* Private app access tokens: pat-<region>-<UUID>. developers.hubspot.com/docs/api/private-apps */
    {.rule = {"hubspot-private-app-token", LS_CAT_SECRET, "HubSpot private app token (pat-na1-)"},
     .variants = {{"pat-(?:na|eu)\\d-",
                   LS_LB_TOKEN
                   "pat-(?:na|eu)\\d-[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}" LS_LA_TOKEN,
                   8, 44, NULL}},
     .min_entropy = 3.0,
     .examples =
         EX({"key: pat-na1-14819031-1a39-b234-818d-d07b322caed3\n", "pat-na1-14819031-1a39-b234-818d-d07b322caed3"},
            {"export TOKEN=\"pat-na1-021a4739-0f5d-ad90-bc93-296cd69638de\"\n",
             "pat-na1-021a4739-0f5d-ad90-bc93-296cd69638de"},
            {"{\"credential\":\"pat-na1-ef505d1f-9555-8c56-3add-b8375cb3c27b\",\"ok\":true}",
             "pat-na1-ef505d1f-9555-8c56-3add-b8375cb3c27b"}),
     .negatives = NEG("pat-na1-14819031")},

    /* Personal access tokens: CFPAT- + 43 characters. contentful.com/developers/docs/references/authentication */
    {.rule = {"contentful-pat", LS_CAT_SECRET, "Contentful personal access token (CFPAT-)"},
     .variants = {{"CFPAT-", LS_LB_TOKEN "CFPAT-[A-Za-z0-9_-]{43}" LS_LA_TOKEN, 6, 49, NULL}},
     .min_entropy = 3.5,
     .examples = EX({"key: CFPAT-t6qZhvV2exumUdR6RI1ZycrtcHg12tMwPsF8ac5u5_c\n",
                     "CFPAT-t6qZhvV2exumUdR6RI1ZycrtcHg12tMwPsF8ac5u5_c"},
                    {"export TOKEN=\"CFPAT-lf9LfJwm6IAxgXNqrtb26znDHCJNhYaU2pxZCZGtl0Z\"\n",
                     "CFPAT-lf9LfJwm6IAxgXNqrtb26znDHCJNhYaU2pxZCZGtl0Z"},
                    {"{\"credential\":\"CFPAT-5OfPLu4s_pdJrMwlsltxnYt2iYGGFmKVJBArw6wUAJ1\",\"ok\":true}",
                     "CFPAT-5OfPLu4s_pdJrMwlsltxnYt2iYGGFmKVJBArw6wUAJ1"}),
     .negatives = NEG("CFPAT-t6qZhvV2")},

    /* Short-lived access tokens start with sl. developers.dropbox.com/oauth-guide */
    {.rule = {"dropbox-short-lived-token", LS_CAT_SECRET, "Dropbox short-lived access token (sl.)"},
     .variants = {{"sl\\.[A-Za-z0-9_-]{130}", LS_LB_TOKEN "sl\\.[A-Za-z0-9_-]{130,1300}" LS_LA_TOKEN, 133, 1310, NULL}},
     .min_entropy = 4.0,
     .examples =
         EX({"key: "
             "sl.VMKrQQwM0GceMz-f0mH4_uZV14SfQSUTud5bdrQouEcEVqYmiej8LoQRC2KmrXiStn7Ejv2erTB6iFl-iiRjHL0Jbp0gD-"
             "savp9uY22Lgcntmit3X20r7jHrgm4HZobxHEY6ziz1gOdM\n",
             "sl.VMKrQQwM0GceMz-f0mH4_uZV14SfQSUTud5bdrQouEcEVqYmiej8LoQRC2KmrXiStn7Ejv2erTB6iFl-iiRjHL0Jbp0gD-"
             "savp9uY22Lgcntmit3X20r7jHrgm4HZobxHEY6ziz1gOdM"},
            {"export "
             "TOKEN=\"sl.ARreXJU61b6ggokDfR-4BZ1i5MJ8BFwkvrIXTrmmfKtGo8EJDIubtUp8Eqn4p8ZDdI62qvbOx6ULanGr17GctjFWy13-"
             "u2h6b21T5XBEeBU5BQNLpwQsDHBVOnLip-z73zvBNomrohv2\"\n",
             "sl.ARreXJU61b6ggokDfR-4BZ1i5MJ8BFwkvrIXTrmmfKtGo8EJDIubtUp8Eqn4p8ZDdI62qvbOx6ULanGr17GctjFWy13-"
             "u2h6b21T5XBEeBU5BQNLpwQsDHBVOnLip-z73zvBNomrohv2"},
            {"{\"credential\":\"sl.0TLpQvJw7uzT5qUlRV5DRDofWbFODWvGy17gJUZXB9B4Yu1RDOLZCLky_"
             "k0hsBPG5FzxRpIK4Po6cqnfOLhMUcZA7NpveR-R-Akl51fr6i4fx2a-D2BfMjG8NRGfEFQI9jkgc0iEDgjd\",\"ok\":true}",
             "sl.0TLpQvJw7uzT5qUlRV5DRDofWbFODWvGy17gJUZXB9B4Yu1RDOLZCLky_k0hsBPG5FzxRpIK4Po6cqnfOLhMUcZA7NpveR-R-"
             "Akl51fr6i4fx2a-D2BfMjG8NRGfEFQI9jkgc0iEDgjd"}),
     .negatives =
         NEG("sl.VMKrQQwM0GceMz-f0mH4_uZV14SfQSUTud5bdrQouEcEVqYmiej8LoQRC2KmrXiStn7Ejv2erTB6iFl-iiRjHL0Jbp0g")},

    /* Secret tokens start with sk.eyJ (public ones pk.). docs.mapbox.com/accounts/guides/tokens */
    {.rule = {"mapbox-secret-token", LS_CAT_SECRET, "Mapbox secret access token (sk.eyJ)"},
     .variants = {{"sk\\.eyJ", LS_LB_TOKEN "sk\\.eyJ[A-Za-z0-9_-]{20,400}\\.[A-Za-z0-9_-]{20,100}" LS_LA_TOKEN, 6, 510,
                   NULL}},
     .min_entropy = 4.0,
     .examples =
         EX({"key: sk.eyJxWkUMjhFOJBplzUnwQCiUyRFCuxgNJI7BQ-hurAEvd_7VwWepC4KxvGftkSA.G3HAY6MzM0-wvlp6t-WEhR\n",
             "sk.eyJxWkUMjhFOJBplzUnwQCiUyRFCuxgNJI7BQ-hurAEvd_7VwWepC4KxvGftkSA.G3HAY6MzM0-wvlp6t-WEhR"},
            {"export "
             "TOKEN=\"sk.eyJWSKc6KeZRX5KnKZv6Y9QOi7kDcRt64FxldbquoIKJ845nkpMNpTgbx8pTSzt.IRO4YMdOVLvg7El5nlLmK0\"\n",
             "sk.eyJWSKc6KeZRX5KnKZv6Y9QOi7kDcRt64FxldbquoIKJ845nkpMNpTgbx8pTSzt.IRO4YMdOVLvg7El5nlLmK0"},
            {"{\"credential\":\"sk.eyJA2cpGnLy31l-lQBbwD3UtZ-K3Rcq6qc0MBjg6G7mY2aZq8In-erGjTgVwTil."
             "eQzlc22uYWigVFQMGHoSMO\",\"ok\":true}",
             "sk.eyJA2cpGnLy31l-lQBbwD3UtZ-K3Rcq6qc0MBjg6G7mY2aZq8In-erGjTgVwTil.eQzlc22uYWigVFQMGHoSMO"}),
     .negatives = NEG("sk.eyJxWkUMjhF")},

    /* Developer tokens: fio-u- + 64 characters. developer.frame.io/docs/getting-started/authentication */
    {.rule = {"frameio-token", LS_CAT_SECRET, "Frame.io developer token (fio-u-)"},
     .variants = {{"fio-u-", LS_LB_TOKEN "fio-u-[A-Za-z0-9_=-]{64}" LS_LA_TOKEN, 6, 70, NULL}},
     .min_entropy = 3.5,
     .examples =
         EX({"key: fio-u-ODub8AwHMqAHg5T2kOEyF3Iqm0BKiaYcT1baXhuQPUk0o9Qs8QHrUoqKiPazQz2R\n",
             "fio-u-ODub8AwHMqAHg5T2kOEyF3Iqm0BKiaYcT1baXhuQPUk0o9Qs8QHrUoqKiPazQz2R"},
            {"export TOKEN=\"fio-u-mNJKjg75s0AAUD_XB4VtuPBoYl3rDzNMtZsi69LBAw1b29mjh94tMZyvtTMnpl0B\"\n",
             "fio-u-mNJKjg75s0AAUD_XB4VtuPBoYl3rDzNMtZsi69LBAw1b29mjh94tMZyvtTMnpl0B"},
            {"{\"credential\":\"fio-u-Sqg9B6sPp8zVItxybdW7F66KxG5oRDkOJpTVXRV5OoRB82eYbamkywNBoKNH7r06\",\"ok\":true}",
             "fio-u-Sqg9B6sPp8zVItxybdW7F66KxG5oRDkOJpTVXRV5OoRB82eYbamkywNBoKNH7r06"}),
     .negatives = NEG("fio-u-ODub8AwH")},

    /* AIO keys: aio_ + 28 characters. io.adafruit.com/api/docs/#authentication */
    {.rule = {"adafruit-io-key", LS_CAT_SECRET, "Adafruit IO key (aio_)"},
     .variants = {{"aio_", LS_LB_TOKEN "aio_[A-Za-z0-9]{28}" LS_LA_TOKEN, 4, 32, NULL}},
     .min_entropy = 3.5,
     .examples =
         EX({"key: aio_X6AQ8gXLsWIgYN5nxHadx7XhPhJh\n", "aio_X6AQ8gXLsWIgYN5nxHadx7XhPhJh"},
            {"export TOKEN=\"aio_oOAqnFyZKqTY22vAhudtA7Gg0mB8\"\n", "aio_oOAqnFyZKqTY22vAhudtA7Gg0mB8"},
            {"{\"credential\":\"aio_b3FdwUhUDQs6Kk3emtgkkbFnsNlv\",\"ok\":true}", "aio_b3FdwUhUDQs6Kk3emtgkkbFnsNlv"}),
     .negatives = NEG("aio_X6AQ8gXL")},

    /* Access policy tokens: glc_ + base64. grafana.com/docs/grafana-cloud/security-and-account-
     * management/authentication-and-permissions/access-policies */
    {.rule = {"grafana-cloud-token", LS_CAT_SECRET, "Grafana Cloud access policy token (glc_)"},
     .variants = {{"glc_", LS_LB_TOKEN "glc_[A-Za-z0-9+/]{32,400}={0,2}(?![A-Za-z0-9+/=_-])", 4, 410, NULL}},
     .min_entropy = 4.0,
     .examples =
         EX({"key: "
             "glc_eyJfHci0IToAuEH2ZR8o8gG/"
             "vIR4Uk9oSSWXi10kHL2Dp15Di4OztpGivjcEVz1333bY1h7L5tFUOucnz86+i5TYahvx8frcs1+zCSDMUsPmsBoJWp61YXgQnYC\n",
             "glc_eyJfHci0IToAuEH2ZR8o8gG/"
             "vIR4Uk9oSSWXi10kHL2Dp15Di4OztpGivjcEVz1333bY1h7L5tFUOucnz86+i5TYahvx8frcs1+zCSDMUsPmsBoJWp61YXgQnYC"},
            {"export "
             "TOKEN=\"glc_eyJWfpo7dsnJVk6XseqJgyEA6tnLl/0CHx36/"
             "HgP7WJK5Ab7qbr3DHGdIwU5N+LsKVTQQlqcthdOl7OquLEbGUDtpuvNMIXsziEjffeH32y04/JoVC28UuS8zIO\"\n",
             "glc_eyJWfpo7dsnJVk6XseqJgyEA6tnLl/0CHx36/"
             "HgP7WJK5Ab7qbr3DHGdIwU5N+LsKVTQQlqcthdOl7OquLEbGUDtpuvNMIXsziEjffeH32y04/JoVC28UuS8zIO"},
            {"{\"credential\":\"glc_eyJXXEuYQtTugrega66ymIOJ30uo5Eopjn9f/E0HfOX+KOYt1ERDBbudwB6+2/"
             "ZbwHj4vUcgWNPnfwOQ3LrbjWwF8TeGHbyGQ2fyBG9MAjnvn9zOLmu8Ss7rp0n\",\"ok\":true}",
             "glc_eyJXXEuYQtTugrega66ymIOJ30uo5Eopjn9f/E0HfOX+KOYt1ERDBbudwB6+2/"
             "ZbwHj4vUcgWNPnfwOQ3LrbjWwF8TeGHbyGQ2fyBG9MAjnvn9zOLmu8Ss7rp0n"}),
     .negatives = NEG("glc_eyJfHci0")},

    /* Service account tokens: glsa_ + 32 characters _ 8 hex.
     * grafana.com/docs/grafana/latest/administration/service-accounts */
    {.rule = {"grafana-service-account-token", LS_CAT_SECRET, "Grafana service account token (glsa_)"},
     .variants = {{"glsa_", LS_LB_TOKEN "glsa_[A-Za-z0-9]{32}_[a-f0-9]{8}" LS_LA_TOKEN, 5, 46, NULL}},
     .min_entropy = 3.0,
     .examples =
         EX({"key: glsa_7UqisDGbnVAqDUB9Se7eTMT73swmOYdC_8159a288\n", "glsa_7UqisDGbnVAqDUB9Se7eTMT73swmOYdC_8159a288"},
            {"export TOKEN=\"glsa_rIdf9iDcMR2nD4NK09Y3SBtSzpWZvBcA_9d2775a4\"\n",
             "glsa_rIdf9iDcMR2nD4NK09Y3SBtSzpWZvBcA_9d2775a4"},
            {"{\"credential\":\"glsa_BNy0hbKQ4NVRL5wSGX1wbUW1FI4XUWWX_268079a0\",\"ok\":true}",
             "glsa_BNy0hbKQ4NVRL5wSGX1wbUW1FI4XUWWX_268079a0"}),
     .negatives = NEG("glsa_7UqisDGb")},

    /* User auth tokens: sntryu_ + 64 hex. docs.sentry.io/account/auth-tokens */
    {.rule = {"sentry-user-token", LS_CAT_SECRET, "Sentry user auth token (sntryu_)"},
     .variants = {{"sntryu_", LS_LB_TOKEN "sntryu_[a-f0-9]{64}" LS_LA_TOKEN, 7, 71, NULL}},
     .min_entropy = 3.0,
     .examples =
         EX({"key: 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\n",
             "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"},
            {"export TOKEN=\"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\"\n",
             "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"},
            {"{\"credential\":\"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\",\"ok\":true}",
             "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"}),
     .negatives = NEG("sntryu_700e2cee")},

    /* Organization tokens: sntrys_ + base64 JSON + _ + secret. docs.sentry.io/account/auth-tokens */
    {.rule = {"sentry-org-token", LS_CAT_SECRET, "Sentry organization auth token (sntrys_)"},
     .variants = {{"sntrys_", LS_LB_TOKEN "sntrys_[A-Za-z0-9+/=_-]{80,500}(?![A-Za-z0-9+/=_-])", 7, 510, NULL}},
     .min_entropy = 4.0,
     .examples = EX(
         {"key: "
          "sntrys_eyJpTQhmQwB1qKYgGD2+uTRFXq1V5BFvkrQ4r7up2whZAVnypUG/TqcyU0L6pphOFxgUOcMQnCn+x42R/"
          "DCAnKhWrFlSHmVaBTkQPNdaX9lbM3puRuCysmuisyP_RRmdQbs2-YAljS-B4lQWD8QnANgrYhkaHNEWj88FFPz\n",
          "sntrys_eyJpTQhmQwB1qKYgGD2+uTRFXq1V5BFvkrQ4r7up2whZAVnypUG/TqcyU0L6pphOFxgUOcMQnCn+x42R/"
          "DCAnKhWrFlSHmVaBTkQPNdaX9lbM3puRuCysmuisyP_RRmdQbs2-YAljS-B4lQWD8QnANgrYhkaHNEWj88FFPz"},
         {"export "
          "TOKEN=\"sntrys_eyJFsMe1z5BpbpQ471/GebpNoiqCOw/aBj8Y9GhVYQiUhS0Rp4t6Kmgl5prhzNU/"
          "dhrznm4VSe3fKvUk4047V7meX4lnkffV5PeN7k+YB97kwmPcqIocwt2u/L+_C9uIqFgzGbCaXDoUb4hknS_-vFaqg5KRGZSC9yBUO6h\"\n",
          "sntrys_eyJFsMe1z5BpbpQ471/GebpNoiqCOw/aBj8Y9GhVYQiUhS0Rp4t6Kmgl5prhzNU/"
          "dhrznm4VSe3fKvUk4047V7meX4lnkffV5PeN7k+YB97kwmPcqIocwt2u/L+_C9uIqFgzGbCaXDoUb4hknS_-vFaqg5KRGZSC9yBUO6h"},
         {"{\"credential\":\"sntrys_eyJ5bN8gSStwhGwBWmGVvGAw9Yj0/pSH/"
          "fTwlNXEV2OHcfoulKrTjeKAmlbMmWrSxT2XmfQfX9HkYRqiQUhbCE0ldlXwn3+cKVtdAIYFM9ldh3mjoc9+AK4BaV2_WFDi3so_II9-"
          "ysAg6_k_G4iKuzQAV-kRFKv_iZm6-iC\",\"ok\":true}",
          "sntrys_eyJ5bN8gSStwhGwBWmGVvGAw9Yj0/pSH/"
          "fTwlNXEV2OHcfoulKrTjeKAmlbMmWrSxT2XmfQfX9HkYRqiQUhbCE0ldlXwn3+cKVtdAIYFM9ldh3mjoc9+AK4BaV2_WFDi3so_II9-"
          "ysAg6_k_G4iKuzQAV-kRFKv_iZm6-iC"}),
     .negatives = NEG("sntrys_eyJpTQhm")},

    /* DSNs: https://<32 hex public key>@o<org>.ingest.sentry.io/<project>; the key lets anyone send events.
     * docs.sentry.io/concepts/key-terms/dsn-explainer */
    {.rule = {"sentry-dsn", LS_CAT_SECRET, "Sentry DSN with its key (https://<key>@…/<project>)"},
     .variants = {{"https?://[a-f0-9]{32}(?::[a-f0-9]{32})?@",
                   "https?://(?<v>[a-f0-9]{32})(?::[a-f0-9]{32})?@[A-Za-z0-9.-]{0,80}sentry[A-Za-z0-9.-]{0,80}/"
                   "\\d{1,12}(?![A-Za-z0-9])",
                   75, 280, NULL}},
     .validate = ls_v_db_password,
     .min_entropy = 3.0,
     .examples = EX({"SENTRY_DSN=https://ce8337e7481c19c0d1f907fc9bc5e328@o4504.ingest.sentry.io/4505123\n",
                     "ce8337e7481c19c0d1f907fc9bc5e328"},
                    {"\"dsn\": \"https://b41c41c84b47cc3a46caa13d211759c6@sentry.internal.example.net/12\"",
                     "b41c41c84b47cc3a46caa13d211759c6"}),
     .negatives = NEG("https://00000000000000000000000000000000@o1.ingest.sentry.io/1",
                      "https://60314224fc4ce2726de4316d17c10629@github.com/x")},

    /* API keys are 32 hex (DD_API_KEY / DATADOG_API_KEY). docs.datadoghq.com/account_management/api-app-keys */
    {.rule = {"datadog-api-key", LS_CAT_SECRET, "Datadog API key next to its setting name"},
     .variants = {{"(?i)(?:datadog|dd)_?api_?key",
                   "(?i:(?:datadog|dd)_?api_?key)[A-Za-z0-9_.-]{0,24}\\\\?[\"\\']?\\s{0,3}(?:=|:)\\s{0,3}\\\\?[\"\\']?("
                   "?<v>[a-f0-9]{32})(?![A-Za-z0-9])",
                   15, 120, ls_q_assign}},
     .min_entropy = 3.0,
     .examples = EX({"DD_API_KEY=ecb78eb38293a86b2d6a038e64c59c9e\n", "ecb78eb38293a86b2d6a038e64c59c9e"},
                    {"{\"dd_api_key\": \"f3088473434d9aeee55bf98029c0e010\"}", "f3088473434d9aeee55bf98029c0e010"}),
     .negatives = NEG("DD_API_KEY=515fa87bb460ca3eb03551666f60d7b", "DD_API_KEY=<DATADOG_API_KEY>")},

    /* Application keys are 40 hex (DD_APP_KEY). docs.datadoghq.com/account_management/api-app-keys */
    {.rule = {"datadog-app-key", LS_CAT_SECRET, "Datadog application key next to its setting name"},
     .variants = {{"(?i)(?:datadog|dd)_?app(?:lication)?_?key",
                   "(?i:(?:datadog|dd)_?app(?:lication)?_?key)[A-Za-z0-9_.-]{0,24}\\\\?[\"\\']?\\s{0,3}(?:=|:)\\s{0,3}"
                   "\\\\?[\"\\']?(?<v>[a-f0-9]{40})(?![A-Za-z0-9])",
                   23, 120, ls_q_assign}},
     .min_entropy = 3.0,
     .examples =
         EX({"DD_APP_KEY=6fc3d71f232b74caa0353568bbc6eb2f146bca64\n", "6fc3d71f232b74caa0353568bbc6eb2f146bca64"},
            {"{\"dd_app_key\": \"fe9625ad04bd06fe3b403002341cac4ec7aac296\"}",
             "fe9625ad04bd06fe3b403002341cac4ec7aac296"}),
     .negatives = NEG("DD_APP_KEY=c97a888c1fb966c98515d6c0b03d60f8ff0db32")},

    /* User keys: NRAK- + 27 characters; insert keys NRII-; license keys end in NRAL.
     * docs.newrelic.com/docs/apis/intro-apis/new-relic-api-keys */
    {.rule = {"newrelic-user-key", LS_CAT_SECRET, "New Relic user API key (NRAK-)"},
     .variants = {{"NRAK-", LS_LB_TOKEN "NRAK-[A-Z0-9]{27}" LS_LA_TOKEN, 5, 32, NULL}},
     .min_entropy = 3.5,
     .examples =
         EX({"key: NRAK-YJEUZQDL4DRUF809P6J0NNFHUUM\n", "NRAK-YJEUZQDL4DRUF809P6J0NNFHUUM"},
            {"export TOKEN=\"NRAK-8HLG35KUH097XYYYW7D30WCZVXI\"\n", "NRAK-8HLG35KUH097XYYYW7D30WCZVXI"},
            {"{\"credential\":\"NRAK-MGM5L9MZ9BX3RPMHQBIZ5A7B28M\",\"ok\":true}", "NRAK-MGM5L9MZ9BX3RPMHQBIZ5A7B28M"}),
     .negatives = NEG("NRAK-YJEUZQDL")},

    /* docs.newrelic.com/docs/apis/intro-apis/new-relic-api-keys (NRII- + 32 characters) */
    {.rule = {"newrelic-insert-key", LS_CAT_SECRET, "New Relic insights insert key (NRII-)"},
     .variants = {{"NRII-", LS_LB_TOKEN "NRII-[A-Za-z0-9_-]{32}" LS_LA_TOKEN, 5, 37, NULL}},
     .min_entropy = 3.5,
     .examples =
         EX({"key: NRII-8fSrSNg9L7NVAqv_NHTORb_avIcW9EdL\n", "NRII-8fSrSNg9L7NVAqv_NHTORb_avIcW9EdL"},
            {"export TOKEN=\"NRII-bu06qCJFshIDRk3p8PNeIvIA6tP3izPy\"\n", "NRII-bu06qCJFshIDRk3p8PNeIvIA6tP3izPy"},
            {"{\"credential\":\"NRII-Gd3eDjBr_rYrYL-e3DL748Ffnn7AmHbx\",\"ok\":true}",
             "NRII-Gd3eDjBr_rYrYL-e3DL748Ffnn7AmHbx"}),
     .negatives = NEG("NRII-8fSrSNg9")},

    /* docs.newrelic.com/docs/apis/intro-apis/new-relic-api-keys (40 characters ending NRAL) */
    {.rule = {"newrelic-license-key", LS_CAT_SECRET, "New Relic ingest license key (…NRAL)"},
     .variants = {{"[a-f0-9]{36}NRAL", LS_LB_TOKEN "[a-f0-9]{36}NRAL" LS_LA_TOKEN, 40, 40, NULL}},
     .min_entropy = 3.0,
     .examples =
         EX({"key: 54b9352a974c3d5c0df64e1beb6a8872f7cdNRAL\n", "54b9352a974c3d5c0df64e1beb6a8872f7cdNRAL"},
            {"export TOKEN=\"677768ea0b3e6f8b14c0e71d972839596216NRAL\"\n", "677768ea0b3e6f8b14c0e71d972839596216NRAL"},
            {"{\"credential\":\"a1aaea1212793a5a4cc41706cfd6609ec5feNRAL\",\"ok\":true}",
             "a1aaea1212793a5a4cc41706cfd6609ec5feNRAL"}),
     .negatives = NEG("54b9352a974c3d5c0df64e1beb")},

    /* Tokens: dt0c01.<24 public>.<64 secret>. docs.dynatrace.com/docs/manage/identity-access-management/access-
     * tokens-and-oauth-clients/access-tokens */
    {.rule = {"dynatrace-token", LS_CAT_SECRET, "Dynatrace API token (dt0c01.)"},
     .variants = {{"dt0c01\\.", LS_LB_TOKEN "dt0c01\\.[A-Z0-9]{24}\\.[A-Z0-9]{64}" LS_LA_TOKEN, 7, 96, NULL}},
     .min_entropy = 3.5,
     .examples =
         EX({"key: dt0c01.IJGYWBRIFJDMEQ812AJU73PZ.AT66A3GBS618LPWYIILPD8XL7TI2F0IYNT3NRAEVYYD4OQB06QDIZ9U0QKLE1AZN\n",
             "dt0c01.IJGYWBRIFJDMEQ812AJU73PZ.AT66A3GBS618LPWYIILPD8XL7TI2F0IYNT3NRAEVYYD4OQB06QDIZ9U0QKLE1AZN"},
            {"export "
             "TOKEN=\"dt0c01.KXGMXJNQNLMSW2RM9UQD6EL4."
             "YZ05C5SKXVM08UDRW5CAD2MPGM1PB5C2GJDW2AY2O6L9R1DQWN6RCSSR5N6CRH7B\"\n",
             "dt0c01.KXGMXJNQNLMSW2RM9UQD6EL4.YZ05C5SKXVM08UDRW5CAD2MPGM1PB5C2GJDW2AY2O6L9R1DQWN6RCSSR5N6CRH7B"},
            {"{\"credential\":\"dt0c01.DKIO03VRFQ63SCY7W6YPK6SZ."
             "SPH7KWY919UI1DTXREYU07U9KZBGDATTS2UTQ3Y49D3OE4NN5ESNJZI0JPPY35G2\",\"ok\":true}",
             "dt0c01.DKIO03VRFQ63SCY7W6YPK6SZ.SPH7KWY919UI1DTXREYU07U9KZBGDATTS2UTQ3Y49D3OE4NN5ESNJZI0JPPY35G2"}),
     .negatives = NEG("dt0c01.IJGYWBRI")},

    {.rule = {NULL, 0, NULL}},
};
