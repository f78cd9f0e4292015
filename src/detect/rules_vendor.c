/* Vendor credential rules (AWS, GitHub, OpenAI, Anthropic, Slack, Stripe, Google, SendGrid): token
 * formats from each vendor's public documentation, cited per rule. Example values are fake. */
#include "detect/rules.h"
#include "detect/validators.h"

#define EX(...) ((const struct ls_rule_example[]){__VA_ARGS__, {NULL, NULL}})
#define NEG(...) ((const char *const[]){__VA_ARGS__, NULL})

/* GitHub token shape shared by ghp_/gho_/ghu_/ghs_/ghr_: 4-char prefix, 30 base62 characters and
 * 6 base62 characters of their CRC32. Format facts: github.blog/2021-04-05-behind-githubs-new-
 * authentication-token-formats and docs.github.com/en/authentication/keeping-your-account-and-
 * data-secure/about-authentication-to-github#githubs-token-formats. */
#define GH_CONFIRM(pfx) LS_LB_TOKEN pfx "[A-Za-z0-9]{36}" LS_LA_TOKEN

const struct ls_rule_def ls_rules_vendor[] = {
    /* AWS: access key ids are AKIA (long-term) / ASIA (temporary) + 16 base32 characters.
     * docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids */
    {.rule = {"aws-access-key-id", LS_CAT_SECRET, "AWS access key id (AKIA/ASIA)"},
     .variants = {{"AKIA|ASIA", LS_LB_ALNUM "(?:AKIA|ASIA)[A-Z2-7]{16}(?![A-Za-z0-9])", 4, 20, NULL}},
     .examples = EX({"aws_access_key_id=AKIAI3R2WYOJFLJOOA7L", "AKIAI3R2WYOJFLJOOA7L"},
                    {"{\"AccessKeyId\": \"ASIAQSAJ2XUID5ZZZZG6\"}", "ASIAQSAJ2XUID5ZZZZG6"},
                    {"line1\\nAKIAI3R2WYOJFLJOOA7L", "AKIAI3R2WYOJFLJOOA7L"}),
     .negatives = NEG("AKIAIOSFODNN7EXAMPLE", "AKIAI3R2WYOJFLJOOA7LQ", "XAKIAI3R2WYOJFLJOOA7L", "AKIAI3R2WYOJFLJOOA71",
                      "AGPAI3R2WYOJFLJOOA7L")},

    /* AWS secret access keys are 40 characters of base64 alphabet; only reported next to their
     * configuration name (credentials file, env var, CLI JSON "SecretAccessKey").
     * docs.aws.amazon.com/cli/latest/userguide/cli-configure-files.html */
    {.rule = {"aws-secret-access-key", LS_CAT_SECRET, "AWS secret access key next to its setting name"},
     .variants = {{"(?i)secret_?access_?key",
                   "(?i:(?:aws_?)?secret_?access_?key)\\\\?[\"']?\\s{0,4}(?:=>?|:)\\s{0,4}\\\\?[\"']?"
                   "(?<v>(?:[A-Za-z0-9+]|\\\\?/){40})(?![A-Za-z0-9+/]|\\\\/)",
                   30, 160, NULL}},
     .min_entropy = 3.0,
     .examples = EX(
         {"aws_secret_access_key=p7O8QuKEh6D0JCk39QmJWikyFE/xzzdAIDhXzK2Q", "p7O8QuKEh6D0JCk39QmJWikyFE/xzzdAIDhXzK2Q"},
         {"AWS_SECRET_ACCESS_KEY: \"p7O8QuKEh6D0JCk39QmJWikyFE/xzzdAIDhXzK2Q\"",
          "p7O8QuKEh6D0JCk39QmJWikyFE/xzzdAIDhXzK2Q"},
         {"{\"SecretAccessKey\": \"p7O8QuKEh6D0JCk39QmJWikyFE\\/xzzdAIDhXzK2Q\"}",
          "p7O8QuKEh6D0JCk39QmJWikyFE\\/xzzdAIDhXzK2Q"}),
     .negatives = NEG("aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                      "aws_secret_access_key=p7O8QuKEh6D0JCk39QmJWikyFE/xzzdAIDhXzK2Qzz",
                      "aws_secret_access_key=${AWS_SECRET_ACCESS_KEY}", "p7O8QuKEh6D0JCk39QmJWikyFE/xzzdAIDhXzK2Q")},

    {.rule = {"github-classic-pat", LS_CAT_SECRET, "GitHub personal access token (ghp_, CRC32-checked)"},
     .variants = {{"ghp_", GH_CONFIRM("ghp_"), 4, 40, NULL}},
     .validate = ls_v_github_checksum,
     .examples =
         EX({"GITHUB_TOKEN=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", "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"},
            {"git clone https://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@github.com/o/r.git",
             "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"}),
     .negatives = NEG("ghp_Ky9Pf34qY6Nb3wWD25RQ4F5ZR3qa7y3gm1IM", "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x",
                      "ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")},

    {.rule = {"github-oauth", LS_CAT_SECRET, "GitHub OAuth access token (gho_, CRC32-checked)"},
     .variants = {{"gho_", GH_CONFIRM("gho_"), 4, 40, NULL}},
     .validate = ls_v_github_checksum,
     .examples = EX({"token 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", "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"}),
     .negatives = NEG("gho_Eeeby3abP3E2Zs8IQ9Y7aJZqhB6bae2dTjzy")},

    {.rule = {"github-app", LS_CAT_SECRET, "GitHub App user or installation token (ghu_/ghs_, CRC32-checked)"},
     .variants = {{"gh[us]_", GH_CONFIRM("gh[us]_"), 4, 40, NULL}},
     .validate = ls_v_github_checksum,
     .examples =
         EX({"\"token\":\"ghu_CN6Zj4a3dDVhYRnKTbxTNJFoBinF5a42GyMy\"", "ghu_CN6Zj4a3dDVhYRnKTbxTNJFoBinF5a42GyMy"},
            {"x-access-token:ghs_JXVuLkSIc47WQAmL9xVQ2zg4mZaouq416qWT@github.com",
             "ghs_JXVuLkSIc47WQAmL9xVQ2zg4mZaouq416qWT"}),
     .negatives = NEG("ghs_JXVuLkSIc47WQAmL9xVQ2zg4mZaouq416qWt")},

    {.rule = {"github-refresh", LS_CAT_SECRET, "GitHub refresh token (ghr_, CRC32-checked)"},
     .variants = {{"ghr_", GH_CONFIRM("ghr_"), 4, 40, NULL}},
     .validate = ls_v_github_checksum,
     .examples =
         EX({"refresh_token=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", "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"}),
     .negatives = NEG("ghr_KLiMcVbpT4r5yHUig43kiJfahqSIjO2WghH1")},

    /* Fine-grained PATs: github_pat_ + 22 + _ + 59 base62 characters.
     * github.blog/2022-10-18-introducing-fine-grained-personal-access-tokens-for-github */
    {.rule = {"github-fine-grained-pat", LS_CAT_SECRET, "GitHub fine-grained personal access token"},
     .variants = {{"github_pat_", LS_LB_TOKEN "github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}" LS_LA_TOKEN, 11, 93, NULL}},
     .min_entropy = 3.5,
     .examples =
         EX({"GH_PAT=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",
             "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"}),
     .negatives = NEG("github_pat_yyXN9iYw1mXJft5isGXNwA_MnEYYnWLeEdpomsCpFqPlpECXVMk11oHUGCiczMSpxkMzN5E6EUCLDUdv",
                      "github_pat_1111111111111111111111_11111111111111111111111111111111111111111111111111111111111")},

    /* OpenAI: project/service-account/admin keys sk-proj-/sk-svcacct-/sk-admin-; legacy user keys
     * sk- + 48 characters containing T3BlbkFJ (base64 of "OpenAI").
     * platform.openai.com/docs/api-reference/authentication */
    {.rule = {"openai-api-key", LS_CAT_SECRET, "OpenAI API key"},
     .variants = {{"sk-(?:proj|svcacct|admin)-",
                   LS_LB_TOKEN "sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{32,250}" LS_LA_TOKEN, 11, 270, NULL},
                  {"T3BlbkFJ", LS_LB_TOKEN "sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}" LS_LA_TOKEN, 31, 51, NULL}},
     .min_entropy = 3.5,
     .examples = EX({"OPENAI_API_KEY=sk-proj-0ziAFnPzMtgBoxpAKLG3JxIyiJG21DT3BlbkFJHtOR3WRbUfXrG7jwrGJ2uN0JMIyF7f",
                     "sk-proj-0ziAFnPzMtgBoxpAKLG3JxIyiJG21DT3BlbkFJHtOR3WRbUfXrG7jwrGJ2uN0JMIyF7f"},
                    {"authorization: Bearer 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",
                     "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"},
                    {"key: sk-svcacct-VXPvHrFoue9Us9RcFJkIWHxSCo_KSKtphrPjeBk2hwu2ngb8",
                     "sk-svcacct-VXPvHrFoue9Us9RcFJkIWHxSCo_KSKtphrPjeBk2hwu2ngb8"}),
     .negatives =
         NEG("sk-proj-short", "sk-proj-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
             "sk-proj-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
             "sk-hXXZUon6uZ3FCH2n6WSZ1mvw4SKdWcWCiHSWYpUWabcdefgh", "task-proj-0ziAFnPzMtgBoxpAKLG3JxIyiJG21DT3Blbk")},

    /* Anthropic: sk-ant-api03- + 93 URL-safe characters + AA (admin keys: sk-ant-admin01-).
     * docs.anthropic.com/en/api/getting-started (x-api-key header) */
    {.rule = {"anthropic-api-key", LS_CAT_SECRET, "Anthropic API key"},
     .variants = {{"sk-ant-", LS_LB_TOKEN "sk-ant-(?:api|admin)\\d\\d-[A-Za-z0-9_-]{80,110}AA" LS_LA_TOKEN, 7, 130,
                   NULL}},
     .min_entropy = 3.5,
     .examples = EX({"x-api-key: "
                     "sk-ant-api03-ETDAXY5NYGsXpJ-fBZ7Ns9Y2BXAS8XFw1hrYG5UEKX6NPddQbvMYi2W412OyVvDt-"
                     "odRThPHpi6G19WtK7AmaVb5wNKYvAA",
                     "sk-ant-api03-ETDAXY5NYGsXpJ-fBZ7Ns9Y2BXAS8XFw1hrYG5UEKX6NPddQbvMYi2W412OyVvDt-"
                     "odRThPHpi6G19WtK7AmaVb5wNKYvAA"}),
     .negatives = NEG(
         "sk-ant-api03-ETDAXY5NYGsXpJ-fBZ7Ns9Y2BXAS8XFw1hrYG5UEKX6NPddQbvMYi2W412OyVvDt-odRThPHpi6G19WtK7AmaVb5wNKYvAB",
         "sk-ant-api03-short-AA")},

    /* Slack tokens: xoxb- (bot), xoxp- (user), xoxa-/xoxr-/xoxs-, numeric team/user ids then a
     * random part. api.slack.com/authentication/token-types */
    {.rule = {"slack-token", LS_CAT_SECRET, "Slack API token (xoxb-, xoxp-, …)"},
     .variants = {{"xox[baprs]-", LS_LB_TOKEN "xox[baprs]-(?:\\d{8,14}-){1,3}[A-Za-z0-9]{20,64}" LS_LA_TOKEN, 5, 130,
                   NULL}},
     .min_entropy = 3.0,
     .examples = EX({"SLACK_BOT_TOKEN=xoxb-04558530435-205617483380-5Gq59Pb2P1JJeE5bzXsm9gvj",
                     "xoxb-04558530435-205617483380-5Gq59Pb2P1JJeE5bzXsm9gvj"}),
     .negatives = NEG("xoxb-12345678-abc", "xoxb-04558530435-205617483380-xxxxxxxxxxxxxxxxxxxxxxxx")},

    /* Incoming webhooks: https://hooks.slack.com/services/T…/B…/<24 characters>.
     * api.slack.com/messaging/webhooks */
    {.rule = {"slack-webhook", LS_CAT_SECRET, "Slack incoming webhook URL"},
     .variants = {{"hooks\\.slack\\.com\\\\?/services\\\\?/T",
                   "https?:(?:\\\\?/){2}hooks\\.slack\\.com\\\\?/services\\\\?/T[A-Z0-9]{8,12}\\\\?/B[A-Z0-9]{8,12}"
                   "\\\\?/[A-Za-z0-9]{23,25}(?![A-Za-z0-9])",
                   48, 130, NULL}},
     .examples = EX(
         {"webhook: https://hooks.slack.com/services/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",
          "https://hooks.slack.com/services/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"},
         {"{\"url\":\"https:\\/\\/hooks.slack.com\\/services\\/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\"}",
          "https:\\/\\/hooks.slack.com\\/services\\/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"}),
     .negatives = NEG("https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
                      "https://hooks.slack.com/services/")},

    /* Stripe live secret and restricted keys: sk_live_ / rk_live_ + alphanumerics.
     * docs.stripe.com/keys */
    {.rule = {"stripe-secret-key", LS_CAT_SECRET, "Stripe live secret or restricted key"},
     .variants = {{"[rs]k_live_", LS_LB_TOKEN "[rs]k_live_[A-Za-z0-9]{24,247}" LS_LA_TOKEN, 8, 260, NULL}},
     .min_entropy = 3.0,
     .examples =
         EX({"stripe.api_key = 'sk_live_WvY5gX4llUGp4sGFkmDElfTV'", "sk_live_WvY5gX4llUGp4sGFkmDElfTV"},
            {"STRIPE=rk_live_"
             "sO4UwhIn2defC4c9LGfliJda80U3VHh6iDhVIjXITTTn7vZCJ5xU1IT4qWzSHODwyxD4b59lXGyN8cqeWHu7jNEVvuVP1A0yVhS",
             "rk_live_"
             "sO4UwhIn2defC4c9LGfliJda80U3VHh6iDhVIjXITTTn7vZCJ5xU1IT4qWzSHODwyxD4b59lXGyN8cqeWHu7jNEVvuVP1A0yVhS"}),
     .negatives = NEG("sk_test_WvY5gX4llUGp4sGFkmDElfTV", "sk_live_short", "pk_live_WvY5gX4llUGp4sGFkmDElfTV")},

    /* Google API keys: AIza + 35 URL-safe characters. cloud.google.com/docs/authentication/api-keys */
    {.rule = {"google-api-key", LS_CAT_SECRET, "Google API key"},
     .variants = {{"AIza", LS_LB_TOKEN "AIza[0-9A-Za-z_-]{35}" LS_LA_TOKEN, 4, 39, NULL}},
     .min_entropy = 3.0,
     .examples = EX({"GET /maps/api/geocode/json?address=Berlin&key=AIzapcIrimeFg0fhoFP1bWl8on9ksZ6ZD6aJVYt -> 403",
                     "AIzapcIrimeFg0fhoFP1bWl8on9ksZ6ZD6aJVYt"}),
     .negatives = NEG("AIzapcIrimeFg0fhoFP1bWl8on9ksZ6ZD6aJVY", "AIzapcIrimeFg0fhoFP1bWl8on9ksZ6ZD6aJVYtt")},

    /* SendGrid: SG. + 22 + . + 43 URL-safe characters.
     * docs.sendgrid.com/ui/account-and-settings/api-keys */
    {.rule = {"sendgrid-api-key", LS_CAT_SECRET, "SendGrid API key"},
     .variants = {{"SG\\.",
                   "(?:(?<=\\\\[nrt])|(?<![A-Za-z0-9_.\\\\-]))SG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}" LS_LA_TOKEN,
                   3, 69, NULL}},
     .min_entropy = 3.5,
     .examples = EX({"SENDGRID_API_KEY=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",
                     "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"}),
     .negatives = NEG("SG.eOls3pQA6qvHa_6GLyrhac.WXpUczoFLK9Q-SvgvsHOVBMhBeUlXP2qnqQmYh7-Zk",
                      "MSG.eOls3pQA6qvHa_6GLyrhac.WXpUczoFLK9Q-SvgvsHOVBMhBeUlXP2qnqQmYh7-ZkG")},

    /* npm access tokens: npm_ + 30 base62 + 6 base62 CRC32, the GitHub scheme.
     * github.blog/changelog/2021-09-23-npm-has-a-new-access-token-format */
    {.rule = {"npm-access-token", LS_CAT_SECRET, "npm access token (npm_, CRC32-checked)"},
     .variants = {{"npm_", GH_CONFIRM("npm_"), 4, 40, NULL}},
     .validate = ls_v_github_checksum,
     .examples = EX({"//registry.npmjs.org/:_authToken=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",
                     "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"}),
     .negatives = NEG("npm_StZsxnTSWsbCBpWUedoB6SJ95Ypuie0AKxrK", "npm_install_dependencies_for_project_x")},

    /* GitLab personal access tokens: glpat- + 20 URL-safe characters (longer in newer releases).
     * docs.gitlab.com/ee/security/token_overview.html#token-prefixes */
    {.rule = {"gitlab-pat", LS_CAT_SECRET, "GitLab personal access token (glpat-)"},
     .variants = {{"glpat-", LS_LB_TOKEN "glpat-[A-Za-z0-9_-]{20,64}" LS_LA_TOKEN, 6, 70, NULL}},
     .min_entropy = 3.2,
     .examples = EX({"PRIVATE-TOKEN: glpat-5ovK1874OU3xfuPTb-0A", "glpat-5ovK1874OU3xfuPTb-0A"}),
     .negatives = NEG("glpat-aaaaaaaaaaaaaaaaaaaa", "glpat-short")},

    /* Hugging Face user access tokens: hf_ + 34 letters. huggingface.co/docs/hub/security-tokens */
    {.rule = {"huggingface-token", LS_CAT_SECRET, "Hugging Face access token (hf_)"},
     .variants = {{"hf_", LS_LB_TOKEN "hf_[A-Za-z]{34}" LS_LA_TOKEN, 3, 37, NULL}},
     .min_entropy = 3.5,
     .examples = EX({"HF_TOKEN=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", "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"}),
     .negatives = NEG("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1", "hf_abababababababababababababababababab")},

    {.rule = {NULL, 0, NULL}},
};
