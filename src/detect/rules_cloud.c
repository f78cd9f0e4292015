/* Cloud and infrastructure credential rules (Google Cloud, Azure, Alibaba, Tencent, DigitalOcean,
 * Cloudflare, Databricks, HashiCorp, Pulumi, Doppler, Supabase, PlanetScale, Fly.io, …): formats
 * from each vendor's documentation, cited per rule. Example values are random fakes. */
#include "detect/rules.h"
#include "detect/validators.h"

#define EX(...) ((const struct ls_rule_example[]){__VA_ARGS__, {NULL, NULL}})
#define NEG(...) ((const char *const[]){__VA_ARGS__, NULL})

const struct ls_rule_def ls_rules_cloud[] = {
    /* The JSON key file of a service account carries "type": "service_account" and a 40-hex private_key_id next to
     * the PEM key. cloud.google.com/iam/docs/keys-create-delete */
    {.rule = {"gcp-service-account-key", LS_CAT_SECRET, "Google Cloud service-account key file (private_key_id)"},
     .variants = {{"private_key_id", "private_key_id\\\\?\"\\s{0,4}:\\s{0,4}\\\\?\"(?<v>[a-f0-9]{40})\\\\?\"", 14, 80,
                   NULL}},
     .validate = ls_v_db_password,
     .min_entropy = 3.0,
     .examples = EX({"{\"type\": \"service_account\", \"project_id\": \"p-1\", \"private_key_id\": "
                     "\"3f5fd301c3ba91aa1f4bb85e047c8f01ad409e77\", \"private_key\": \"...\"}",
                     "3f5fd301c3ba91aa1f4bb85e047c8f01ad409e77"},
                    {"{\\\"type\\\":\\\"service_account\\\",\\\"private_key_id\\\":"
                     "\\\"0d3eb11ffa5d2d07816668ef6c8c4757bfecbfb1\\\"}",
                     "0d3eb11ffa5d2d07816668ef6c8c4757bfecbfb1"}),
     .negatives = NEG("\"private_key_id\": \"0000000000000000000000000000000000000000\"",
                      "\"private_key_id\": \"17ebded4845f24052bbc7673f8ce9c6e9e28412\"")},

    /* OAuth client secrets carry the GOCSPX- prefix since 2021. developers.google.com/identity/protocols/oauth2 */
    {.rule = {"gcp-oauth-client-secret", LS_CAT_SECRET, "Google OAuth client secret (GOCSPX-)"},
     .variants = {{"GOCSPX-", LS_LB_TOKEN "GOCSPX-[A-Za-z0-9_-]{28}" LS_LA_TOKEN, 7, 35, NULL}},
     .min_entropy = 3.5,
     .examples = EX({"key: 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\n", "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"},
                    {"export TOKEN=\"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\"\n", "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"},
                    {"{\"credential\":\"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\",\"ok\":true}",
                     "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"}),
     .negatives = NEG("GOCSPX-A6D40IToBsbZgwpOlyI16OCceu9", "GOCSPX-o24S7he3")},

    /* Refresh tokens returned by oauth2.googleapis.com/token start with 1//0.
     * developers.google.com/identity/protocols/oauth2 */
    {.rule = {"google-oauth-refresh-token", LS_CAT_SECRET, "Google OAuth refresh token (1//0…)"},
     .variants = {{"1//0", LS_LB_ALNUM "1//0[A-Za-z0-9_-]{40,250}" LS_LA_TOKEN, 4, 260, NULL}},
     .min_entropy = 3.5,
     .examples = EX(
         {"key: "
          "1//09kfmlHsEbzAwK4EXqDpaxkZ1Zb-jaHVWrltOAe-zQawAvW9-HlgkYBupKea67cuOA4cWudTFmo1H_atfx6Wn-RXX90w0BfL4LUh\n",
          "1//09kfmlHsEbzAwK4EXqDpaxkZ1Zb-jaHVWrltOAe-zQawAvW9-HlgkYBupKea67cuOA4cWudTFmo1H_atfx6Wn-RXX90w0BfL4LUh"},
         {"export "
          "TOKEN=\"1//"
          "0T0qU_IDR5IONpM290cDElq_M1RfnCLidbS2dNzuCcMrKiZniV9k4cfnHU2T7trXYN12IYSrwBF3E_stBIYJC8ihserexMu9MgEW\"\n",
          "1//0T0qU_IDR5IONpM290cDElq_M1RfnCLidbS2dNzuCcMrKiZniV9k4cfnHU2T7trXYN12IYSrwBF3E_stBIYJC8ihserexMu9MgEW"},
         {"{\"credential\":\"1//"
          "0hr58vLBpQEVC5NsbA6t6-hY7LnRpdvjZrfAPkzjYScOxWwOfJaXu42_0k3gPUW3eu5gIue75mtMXiXcJTVKV7Fbk4uzq2bm9rJ7\","
          "\"ok\":true}",
          "1//0hr58vLBpQEVC5NsbA6t6-hY7LnRpdvjZrfAPkzjYScOxWwOfJaXu42_0k3gPUW3eu5gIue75mtMXiXcJTVKV7Fbk4uzq2bm9rJ7"}),
     .negatives = NEG("1//09kfmlHsE")},

    /* OAuth 2.0 access tokens issued by Google start with ya29. developers.google.com/identity/protocols/oauth2 */
    {.rule = {"google-oauth-access-token", LS_CAT_SECRET, "Google OAuth access token (ya29.)"},
     .variants = {{"ya29\\.", LS_LB_TOKEN "ya29\\.[A-Za-z0-9_-]{30,1000}(?![A-Za-z0-9_.-])", 5, 1010, NULL}},
     .min_entropy = 3.5,
     .examples =
         EX({"key: "
             "ya29.dIOxCvcqzVaIK4C9WtT8vV-66GvJA472wJG3gKwRWvB18xHjVIj9o1x0Q7JY_mvuIbxci6zNZXZGxXNTLNMUZsJG2FS99rpf-"
             "lVYf0oJ_Jo6fh18HDVfE_fbSxSaIi3I-x4qdtiHg4OzoosUevpeE1\n",
             "ya29.dIOxCvcqzVaIK4C9WtT8vV-66GvJA472wJG3gKwRWvB18xHjVIj9o1x0Q7JY_mvuIbxci6zNZXZGxXNTLNMUZsJG2FS99rpf-"
             "lVYf0oJ_Jo6fh18HDVfE_fbSxSaIi3I-x4qdtiHg4OzoosUevpeE1"},
            {"export "
             "TOKEN=\"ya29.aodAvx1nmr_jCIU6GwMMcGrR-"
             "EVZqmxD9RUSvNW9OiCRWdrPDCjAYElraN2z1XK0IYdzwzTmSFpIqqvEfJGLBe7rM8R1kDNjE8mYDxNXRwc63mygjPADbqVziz9HCoxhh8"
             "jCkEoTPdJdPT8r3kS0xT\"\n",
             "ya29.aodAvx1nmr_jCIU6GwMMcGrR-"
             "EVZqmxD9RUSvNW9OiCRWdrPDCjAYElraN2z1XK0IYdzwzTmSFpIqqvEfJGLBe7rM8R1kDNjE8mYDxNXRwc63mygjPADbqVziz9HCoxhh8"
             "jCkEoTPdJdPT8r3kS0xT"},
            {"{\"credential\":\"ya29.rGeUSSQTLIFWUL1ajhwJDu_8_-_"
             "ZRGM1kiUYSMPkhckjZx3QTvuu7JwOktIFmaEdZZv6a8qtpDhS3iqtH6SiXBEP5ZClL1tQze-9VO3EceWMrO9MQ_TKJi47-"
             "w4LeuudlkDXwAMPrt0BGn9vBQjnIy\",\"ok\":true}",
             "ya29.rGeUSSQTLIFWUL1ajhwJDu_8_-_ZRGM1kiUYSMPkhckjZx3QTvuu7JwOktIFmaEdZZv6a8qtpDhS3iqtH6SiXBEP5ZClL1tQze-"
             "9VO3EceWMrO9MQ_TKJi47-w4LeuudlkDXwAMPrt0BGn9vBQjnIy"}),
     .negatives = NEG("ya29.dIOxCvcq")},

    /* Connection strings hold AccountKey=<88 base64 characters ending ==>.
     * learn.microsoft.com/azure/storage/common/storage-configure-connection-string */
    {.rule = {"azure-storage-account-key", LS_CAT_SECRET,
              "Azure Storage/Cosmos account key (AccountKey= in a connection string)"},
     .variants = {{"AccountKey=", "AccountKey=(?<v>[A-Za-z0-9+/]{86}==)", 11, 110, NULL}},
     .min_entropy = 4.0,
     .examples = EX(
         {"DefaultEndpointsProtocol=https;AccountName=prodlogs;AccountKey=gjqJYwpjkNMo7J/"
          "n6tkBUy5QBoLQgtbAKHtb7N1eO3i+yTtNc6iImUx8f7PkjPiIoUdlYm1hGQ7zwDnN8vI2G8==;EndpointSuffix=core.windows.net",
          "gjqJYwpjkNMo7J/n6tkBUy5QBoLQgtbAKHtb7N1eO3i+yTtNc6iImUx8f7PkjPiIoUdlYm1hGQ7zwDnN8vI2G8=="},
         {"AccountEndpoint=https://db1.documents.azure.com:443/;AccountKey=B19oF1FE/jgghKCUY6VzWvRQT+KmNe0+gV/"
          "vP5L4k0RRmhVFhX90QiECbUaqrmIAnMlT7/IQFPzQRSXcZb4mIY==;",
          "B19oF1FE/jgghKCUY6VzWvRQT+KmNe0+gV/vP5L4k0RRmhVFhX90QiECbUaqrmIAnMlT7/IQFPzQRSXcZb4mIY=="}),
     .negatives = NEG("AccountKey=<your-account-key>", "AccountKey=T2ftF56Y16D6gjCWMGzb/07AuV0U9uda21fNyJJb==")},

    /* SAS query strings carry the signed version sv=YYYY-MM-DD and the HMAC-SHA256 signature sig=.
     * learn.microsoft.com/rest/api/storageservices/create-service-sas */
    {.rule = {"azure-sas-token", LS_CAT_SECRET, "Azure shared access signature (sv=…&sig=…)"},
     .variants = {{"sv=\\d{4}-\\d\\d-\\d\\d",
                   "(?<![A-Za-z0-9])sv=\\d{4}-\\d\\d-\\d\\d&[^\\s\"\\'<>]{0,400}?sig=(?<v>(?:[A-Za-z0-9+/"
                   "]|%2[BbFf]){40,90}(?:%3[Dd]|=){0,2})(?![A-Za-z0-9%])",
                   14, 600, NULL}},
     .min_entropy = 4.0,
     .examples = EX({"GET "
                     "https://acct.blob.core.windows.net/logs/"
                     "a.gz?sv=2022-11-02&ss=b&srt=o&sp=r&se=2026-01-01T00:00:00Z&sig="
                     "lcHt6EsiutTeyRq0tmywm39DNXKniMK9yfhdeyJ4Vqe%3D 200",
                     "lcHt6EsiutTeyRq0tmywm39DNXKniMK9yfhdeyJ4Vqe%3D"},
                    {"\"url\":\"https://x.blob.core.windows.net/c/"
                     "b?sv=2021-08-06&sr=b&sig=ft8jCllTR42ZHdIySxQC%2BAjGZ2cRcgiEduvrvRb2BBh%3D\"",
                     "ft8jCllTR42ZHdIySxQC%2BAjGZ2cRcgiEduvrvRb2BBh%3D"}),
     .negatives = NEG("?sv=2022-11-02&sig=<signature>", "?sv=2022-11-02&ss=b&sig=abc")},

    /* Connection strings hold SharedAccessKeyName=…;SharedAccessKey=<44 base64>.
     * learn.microsoft.com/azure/service-bus-messaging/service-bus-sas */
    {.rule = {"azure-shared-access-key", LS_CAT_SECRET, "Azure Service Bus / Event Hubs shared access key"},
     .variants = {{"SharedAccessKey=", "SharedAccessKey=(?<v>[A-Za-z0-9+/]{43}=)", 16, 64, NULL}},
     .min_entropy = 4.0,
     .examples = EX({"Endpoint=sb://bus1.servicebus.windows.net/"
                     ";SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=E2YiktVv3g5ycX7rqF+"
                     "xfZo5GxuGywBm271TEzp38pB=;EntityPath=q",
                     "E2YiktVv3g5ycX7rqF+xfZo5GxuGywBm271TEzp38pB="}),
     .negatives = NEG("SharedAccessKey=<key>", "SharedAccessKey=zTxn5JaugSx1+4Drdj70=")},

    /* Client secrets generated since 2022: 3 characters, a digit, "Q~", then 31-34 characters.
     * learn.microsoft.com/entra/identity-platform/how-to-add-credentials */
    {.rule = {"azure-ad-client-secret", LS_CAT_SECRET, "Microsoft Entra ID (Azure AD) application client secret"},
     .variants = {{"\\dQ~[A-Za-z0-9_~.-]{31}",
                   "(?<![A-Za-z0-9_~.-])[A-Za-z0-9_~.-]{3}\\dQ~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-])", 40, 40,
                   NULL}},
     .min_entropy = 3.5,
     .examples =
         EX({"key: 6uZ2Q~JPxJrWeCuo8b5v3m9tcfHV8E6YS67ee1\n", "6uZ2Q~JPxJrWeCuo8b5v3m9tcfHV8E6YS67ee1"},
            {"export TOKEN=\"5fL7Q~ziYq8Iq-hvXkOuzfOfRy0kLjHI-Gj7ou\"\n", "5fL7Q~ziYq8Iq-hvXkOuzfOfRy0kLjHI-Gj7ou"},
            {"{\"credential\":\"LdA5Q~8MbNZ7RWmA5LCukAOkTOj0GSAjLwVf5y\",\"ok\":true}",
             "LdA5Q~8MbNZ7RWmA5LCukAOkTOj0GSAjLwVf5y"}),
     .negatives = NEG("abc1Q~short", "6uZ2Q~JPxJrWeCuo8b5v3m9tc")},

    /* AccessKey IDs start with LTAI. alibabacloud.com/help/en/ram/user-guide/create-an-accesskey-pair */
    {.rule = {"alibaba-access-key-id", LS_CAT_SECRET, "Alibaba Cloud AccessKey ID (LTAI)"},
     .variants = {{"LTAI", LS_LB_TOKEN "LTAI[A-Za-z0-9]{16,20}(?![A-Za-z0-9])", 4, 24, NULL}},
     .min_entropy = 3.2,
     .examples = EX({"key: LTAIzz15XKfmm07iWWRa52pD\n", "LTAIzz15XKfmm07iWWRa52pD"},
                    {"export TOKEN=\"LTAIfX5WxqK5LjioyJttETF9\"\n", "LTAIfX5WxqK5LjioyJttETF9"},
                    {"{\"credential\":\"LTAIhVasgbUHLOqLCADv4lst\",\"ok\":true}", "LTAIhVasgbUHLOqLCADv4lst"}),
     .negatives = NEG("LTAIKu8nDcHEi4", "LTAIzz15XKfm")},

    /* API keys: SecretId = AKID + 32 characters. cloud.tencent.com/document/product/598/40488 */
    {.rule = {"tencent-secret-id", LS_CAT_SECRET, "Tencent Cloud SecretId (AKID)"},
     .variants = {{"AKID", LS_LB_TOKEN "AKID[A-Za-z0-9]{32}(?![A-Za-z0-9])", 4, 36, NULL}},
     .min_entropy = 3.5,
     .examples = EX({"key: AKIDly5KDSwcASDehMMWnFFGCgbQ1y3HBDHz\n", "AKIDly5KDSwcASDehMMWnFFGCgbQ1y3HBDHz"},
                    {"export TOKEN=\"AKIDOey4IA4HdRthdeMFGB4Xr3J5ZCuEzclK\"\n", "AKIDOey4IA4HdRthdeMFGB4Xr3J5ZCuEzclK"},
                    {"{\"credential\":\"AKIDGE20vlymQSuDMysycy7CHhiGNDmDymR0\",\"ok\":true}",
                     "AKIDGE20vlymQSuDMysycy7CHhiGNDmDymR0"}),
     .negatives = NEG("AKIDly5KDSwc")},

    /* Tokens carry dop_v1_ (personal), doo_v1_ (OAuth), dor_v1_ (refresh) + 64 hex.
     * docs.digitalocean.com/reference/api/create-personal-access-token */
    {.rule = {"digitalocean-pat", LS_CAT_SECRET, "DigitalOcean personal access token (dop_v1_)"},
     .variants = {{"dop_v1_", LS_LB_TOKEN "dop_v1_[a-f0-9]{64}" LS_LA_TOKEN, 7, 71, NULL}},
     .min_entropy = 3.0,
     .examples =
         EX({"key: dop_v1_4758bc1c3709e0b075c74ab9d77ae2c17c2359e5eec78854fe612674d85bb362\n",
             "dop_v1_4758bc1c3709e0b075c74ab9d77ae2c17c2359e5eec78854fe612674d85bb362"},
            {"export TOKEN=\"dop_v1_a883c4351e9774490ba7fd45532f5e19c60789c2bc6360375a64e07320680d11\"\n",
             "dop_v1_a883c4351e9774490ba7fd45532f5e19c60789c2bc6360375a64e07320680d11"},
            {"{\"credential\":\"dop_v1_ca6680aacd5943407ccf620f490223add58926c73a0b6c943bb15d0d6ebc986d\",\"ok\":true}",
             "dop_v1_ca6680aacd5943407ccf620f490223add58926c73a0b6c943bb15d0d6ebc986d"}),
     .negatives = NEG("dop_v1_4758bc1c")},

    /* docs.digitalocean.com/reference/api/oauth-api (token prefixes doo_v1_) */
    {.rule = {"digitalocean-oauth-token", LS_CAT_SECRET, "DigitalOcean OAuth access token (doo_v1_)"},
     .variants = {{"doo_v1_", LS_LB_TOKEN "doo_v1_[a-f0-9]{64}" LS_LA_TOKEN, 7, 71, NULL}},
     .min_entropy = 3.0,
     .examples =
         EX({"key: doo_v1_22b0b75b367ea3c690ea3c3368276ed302f829be114dc91b485abd654ff49e39\n",
             "doo_v1_22b0b75b367ea3c690ea3c3368276ed302f829be114dc91b485abd654ff49e39"},
            {"export TOKEN=\"doo_v1_5966902946d61c0e613a5d21a80ab751494e8d2e1f0c4d0392e8d8fa63671f05\"\n",
             "doo_v1_5966902946d61c0e613a5d21a80ab751494e8d2e1f0c4d0392e8d8fa63671f05"},
            {"{\"credential\":\"doo_v1_7cba120de95062eb2d6bfdba4ec22220013d23d22023a6fb3728e66cb2f5bf3e\",\"ok\":true}",
             "doo_v1_7cba120de95062eb2d6bfdba4ec22220013d23d22023a6fb3728e66cb2f5bf3e"}),
     .negatives = NEG("doo_v1_22b0b75b")},

    /* docs.digitalocean.com/reference/api/oauth-api (token prefixes dor_v1_) */
    {.rule = {"digitalocean-refresh-token", LS_CAT_SECRET, "DigitalOcean OAuth refresh token (dor_v1_)"},
     .variants = {{"dor_v1_", LS_LB_TOKEN "dor_v1_[a-f0-9]{64}" LS_LA_TOKEN, 7, 71, NULL}},
     .min_entropy = 3.0,
     .examples =
         EX({"key: dor_v1_715ddc063aa895bd95d1e35fdcc3a2e9c80f1017096d40c1e65b35bde1747f73\n",
             "dor_v1_715ddc063aa895bd95d1e35fdcc3a2e9c80f1017096d40c1e65b35bde1747f73"},
            {"export TOKEN=\"dor_v1_00c04f789a9b5b1b6fbe42dacf9b103e722e48a4ca7d8113225a57a5defa1800\"\n",
             "dor_v1_00c04f789a9b5b1b6fbe42dacf9b103e722e48a4ca7d8113225a57a5defa1800"},
            {"{\"credential\":\"dor_v1_68ef75d0e3fc2a809e469055530f6f7305f815216e4966f786738a94f5db4621\",\"ok\":true}",
             "dor_v1_68ef75d0e3fc2a809e469055530f6f7305f815216e4966f786738a94f5db4621"}),
     .negatives = NEG("dor_v1_715ddc06")},

    /* Origin CA keys: v1.0- + 24 hex + - + 146 hex. developers.cloudflare.com/fundamentals/api/get-started/ca-keys */
    {.rule = {"cloudflare-origin-ca-key", LS_CAT_SECRET, "Cloudflare Origin CA key (v1.0-)"},
     .variants = {{"v1\\.0-", LS_LB_TOKEN "v1\\.0-[a-f0-9]{24}-[a-f0-9]{146}" LS_LA_TOKEN, 5, 176, NULL}},
     .min_entropy = 3.0,
     .examples = EX({"key: "
                     "v1.0-5616f54f39f00cd421dfd91f-"
                     "954eec1333c97ffe998af07373280fca30620ef091e698147f07a33ef7098a6391f2e982fcda10d24bcfa5d422f1dbf0a"
                     "c59f4455f2167cdd4af081119be4f04097066d33e1f5b1e81\n",
                     "v1.0-5616f54f39f00cd421dfd91f-"
                     "954eec1333c97ffe998af07373280fca30620ef091e698147f07a33ef7098a6391f2e982fcda10d24bcfa5d422f1dbf0a"
                     "c59f4455f2167cdd4af081119be4f04097066d33e1f5b1e81"},
                    {"export "
                     "TOKEN=\"v1.0-2bd2d7e0f4a54efe724e5eec-"
                     "c27964495e761fbe4dbd6911ab35d0589369c9bf99f46952afa5710c7b5b5d18caf3f55c450e97e9826178343afe685f6"
                     "c463d8892bc1e26427f4071b03321e190b25819ca7ff9c3e7\"\n",
                     "v1.0-2bd2d7e0f4a54efe724e5eec-"
                     "c27964495e761fbe4dbd6911ab35d0589369c9bf99f46952afa5710c7b5b5d18caf3f55c450e97e9826178343afe685f6"
                     "c463d8892bc1e26427f4071b03321e190b25819ca7ff9c3e7"},
                    {"{\"credential\":\"v1.0-f30995b558c0d5e385f96411-"
                     "e2b0eff60b431b98d3f305ca603abd7aa165584a8f3e3ff132c2a3bd5d3c24584a3de955e290e5d3ee7c785f6d646373d"
                     "b3b4068e7a204a5ee25f44fe667da25099a8d4a508161bdf1\",\"ok\":true}",
                     "v1.0-f30995b558c0d5e385f96411-"
                     "e2b0eff60b431b98d3f305ca603abd7aa165584a8f3e3ff132c2a3bd5d3c24584a3de955e290e5d3ee7c785f6d646373d"
                     "b3b4068e7a204a5ee25f44fe667da25099a8d4a508161bdf1"}),
     .negatives = NEG("v1.0-5616f54f")},

    /* PATs are dapi + 32 hex (optionally -N). docs.databricks.com/en/dev-tools/auth/pat.html */
    {.rule = {"databricks-token", LS_CAT_SECRET, "Databricks personal access token (dapi)"},
     .variants = {{"dapi", LS_LB_TOKEN "dapi[a-f0-9]{32}(?:-\\d)?" LS_LA_TOKEN, 4, 38, NULL}},
     .min_entropy = 3.2,
     .examples = EX({"key: dapi7caff23cbe72cf0cfcdf3a204cba703c\n", "dapi7caff23cbe72cf0cfcdf3a204cba703c"},
                    {"export TOKEN=\"dapid8cec15915158dce6c4a2e33284519bd\"\n", "dapid8cec15915158dce6c4a2e33284519bd"},
                    {"{\"credential\":\"dapi2f3bcfae793b910795cabf124a2c3f01\",\"ok\":true}",
                     "dapi2f3bcfae793b910795cabf124a2c3f01"}),
     .negatives = NEG("dapi7caff23c")},

    /* Service tokens hvs., batch hvb., recovery hvr. developer.hashicorp.com/vault/docs/concepts/tokens#token-
     * prefixes */
    {.rule = {"hashicorp-vault-token", LS_CAT_SECRET, "HashiCorp Vault token (hvs./hvb./hvr.)"},
     .variants = {{"hv[sbr]\\.", LS_LB_TOKEN "hv[sbr]\\.[A-Za-z0-9_-]{24,400}" LS_LA_TOKEN, 4, 410, NULL}},
     .min_entropy = 3.5,
     .examples = EX(
         {"key: hvs.mci-9aSnGFcBnHhYOMqfB9NQFXi-U3JWTa-aV_5w6G7ak6rk9FNPtuUY88Cpjo8ip4fwntIS_n5U4crJRYQ31x5z2I\n",
          "hvs.mci-9aSnGFcBnHhYOMqfB9NQFXi-U3JWTa-aV_5w6G7ak6rk9FNPtuUY88Cpjo8ip4fwntIS_n5U4crJRYQ31x5z2I"},
         {"export "
          "TOKEN=\"hvs.VrhAd-9cH5kFCM4UUixcrOI79M87KxVxJctUmqkVLIopTdQBTDwbK55H_7qwbXJKcgLfECSY9iX03N0_qubw7gIpXB\"\n",
          "hvs.VrhAd-9cH5kFCM4UUixcrOI79M87KxVxJctUmqkVLIopTdQBTDwbK55H_7qwbXJKcgLfECSY9iX03N0_qubw7gIpXB"},
         {"{\"credential\":\"hvs.uaS84PYIIk0s1M5WRVAjsSCBbo0cfqh2Raj4OqiqT2mhLeihu1sbTBj5mjxiEJu--"
          "elamBb7d68qFZZ9lFzvOO2D5n\",\"ok\":true}",
          "hvs.uaS84PYIIk0s1M5WRVAjsSCBbo0cfqh2Raj4OqiqT2mhLeihu1sbTBj5mjxiEJu--elamBb7d68qFZZ9lFzvOO2D5n"}),
     .negatives = NEG("hvs.mci-9aSn")},

    /* User/team/org tokens: 14 characters, .atlasv1., 60-70 characters. developer.hashicorp.com/terraform/cloud-
     * docs/users-teams-organizations/api-tokens */
    {.rule = {"terraform-cloud-token", LS_CAT_SECRET, "Terraform Cloud / HCP Terraform API token (.atlasv1.)"},
     .variants = {{"\\.atlasv1\\.", LS_LB_TOKEN "[A-Za-z0-9]{14}\\.atlasv1\\.[A-Za-z0-9_-]{60,70}" LS_LA_TOKEN, 23, 94,
                   NULL}},
     .min_entropy = 3.5,
     .examples =
         EX({"key: K6FrZBHHyjTCdX.atlasv1.-h1sZ95H7zbAoeo1J8z4aeuW83p1xcrAON9SVjjTiMjfLKrXnybpVsqgMSfQ0oRJbmx\n",
             "K6FrZBHHyjTCdX.atlasv1.-h1sZ95H7zbAoeo1J8z4aeuW83p1xcrAON9SVjjTiMjfLKrXnybpVsqgMSfQ0oRJbmx"},
            {"export "
             "TOKEN=\"uq59K2Lfcv13JJ.atlasv1.-a2KsOztVIcU_opKdM59JlpEySWwORPXV9rnCn0YL4ZJ1roIR6lsb_BWt-px2Fj1u5N\"\n",
             "uq59K2Lfcv13JJ.atlasv1.-a2KsOztVIcU_opKdM59JlpEySWwORPXV9rnCn0YL4ZJ1roIR6lsb_BWt-px2Fj1u5N"},
            {"{\"credential\":\"KE9hOrTYXRybHY.atlasv1.dz7HtQmRmplk3b3897lf0rBH8JBW6Qdkz7l2lJ8VLgqrcDnYYvysf7p_8dI8UFe_"
             "Vte\",\"ok\":true}",
             "KE9hOrTYXRybHY.atlasv1.dz7HtQmRmplk3b3897lf0rBH8JBW6Qdkz7l2lJ8VLgqrcDnYYvysf7p_8dI8UFe_Vte"}),
     .negatives = NEG("K6FrZBHHyjTCdX.atlasv1.-h1sZ95H")},

    /* Access tokens: pul- + 40 hex. pulumi.com/docs/pulumi-cloud/access-management/access-tokens */
    {.rule = {"pulumi-access-token", LS_CAT_SECRET, "Pulumi access token (pul-)"},
     .variants = {{"pul-", LS_LB_TOKEN "pul-[a-f0-9]{40}" LS_LA_TOKEN, 4, 44, NULL}},
     .min_entropy = 3.0,
     .examples =
         EX({"key: pul-9f84996b9f9fd3648de7313f92c276338fca5302\n", "pul-9f84996b9f9fd3648de7313f92c276338fca5302"},
            {"export TOKEN=\"pul-bf8de292d00f782e64f8847dbc76df6e35254265\"\n",
             "pul-bf8de292d00f782e64f8847dbc76df6e35254265"},
            {"{\"credential\":\"pul-b8712b816e21ef9c6ea37e03e92f5c5f5009d3ac\",\"ok\":true}",
             "pul-b8712b816e21ef9c6ea37e03e92f5c5f5009d3ac"}),
     .negatives = NEG("pul-9f84996b")},

    /* Token formats: dp.pt. personal, dp.st. service, dp.ct. CLI, dp.sa. service account, dp.scim., dp.audit.
     * docs.doppler.com/docs/token-formats */
    {.rule = {"doppler-token", LS_CAT_SECRET, "Doppler token (dp.pt./dp.st./dp.sa./…)"},
     .variants = {{"dp\\.(?:pt|st|ct|sa|scim|audit)\\.",
                   LS_LB_TOKEN "dp\\.(?:pt|st|ct|sa|scim|audit)\\.[A-Za-z0-9]{40,44}" LS_LA_TOKEN, 10, 54, NULL}},
     .min_entropy = 3.5,
     .examples = EX({"key: dp.st.a5q8FeJdRHZmPAvFVkpU3c4s4ajLUBrxYOnVl4UmGpf\n",
                     "dp.st.a5q8FeJdRHZmPAvFVkpU3c4s4ajLUBrxYOnVl4UmGpf"},
                    {"export TOKEN=\"dp.st.TGMoqNouv4RuIRGMBhgOL5KCshZrwnRsJPyP78YSJef\"\n",
                     "dp.st.TGMoqNouv4RuIRGMBhgOL5KCshZrwnRsJPyP78YSJef"},
                    {"{\"credential\":\"dp.st.d9xBD1XSIjCqgfm24HiZhCrqcIMoLSrrgLNo4aq1F8N\",\"ok\":true}",
                     "dp.st.d9xBD1XSIjCqgfm24HiZhCrqcIMoLSrrgLNo4aq1F8N"}),
     .negatives = NEG("dp.st.a5q8FeJdRHZm")},

    /* Management API access tokens: sbp_ + 40 hex. supabase.com/docs/reference/api/introduction */
    {.rule = {"supabase-access-token", LS_CAT_SECRET, "Supabase personal access token (sbp_)"},
     .variants = {{"sbp_", LS_LB_TOKEN "sbp_[a-f0-9]{40}" LS_LA_TOKEN, 4, 44, NULL}},
     .min_entropy = 3.0,
     .examples =
         EX({"key: sbp_430c3f3e579691b7d3c7bab6b468cdc4250a4ef6\n", "sbp_430c3f3e579691b7d3c7bab6b468cdc4250a4ef6"},
            {"export TOKEN=\"sbp_9f13eb4581270fab87d85a8ce9d9a08097958a9a\"\n",
             "sbp_9f13eb4581270fab87d85a8ce9d9a08097958a9a"},
            {"{\"credential\":\"sbp_e148035392650d2bdb93c1d5cc569ee7f3ce9307\",\"ok\":true}",
             "sbp_e148035392650d2bdb93c1d5cc569ee7f3ce9307"}),
     .negatives = NEG("sbp_430c3f3e")},

    /* Secret API keys start with sb_secret_. supabase.com/docs/guides/api/api-keys */
    {.rule = {"supabase-secret-key", LS_CAT_SECRET, "Supabase secret API key (sb_secret_)"},
     .variants = {{"sb_secret_", LS_LB_TOKEN "sb_secret_[A-Za-z0-9_-]{24,64}" LS_LA_TOKEN, 10, 74, NULL}},
     .min_entropy = 3.5,
     .examples = EX(
         {"key: sb_secret_5eEeTQQg8wo-hVe3mTT2_a_eU_fQysB\n", "sb_secret_5eEeTQQg8wo-hVe3mTT2_a_eU_fQysB"},
         {"export TOKEN=\"sb_secret_cFtiChTDnR-5G9CxGEMWIbtvYOK2EjX\"\n", "sb_secret_cFtiChTDnR-5G9CxGEMWIbtvYOK2EjX"},
         {"{\"credential\":\"sb_secret_22pNgNVag2Y-FTzFes2DifDMxwxr-8i\",\"ok\":true}",
          "sb_secret_22pNgNVag2Y-FTzFes2DifDMxwxr-8i"}),
     .negatives = NEG("sb_secret_5eEeTQQg")},

    /* Prefixes pscale_tkn_ (service tokens), pscale_pw_ (passwords), pscale_oauth_.
     * planetscale.com/docs/concepts/service-tokens */
    {.rule = {"planetscale-token", LS_CAT_SECRET, "PlanetScale service token or password (pscale_tkn_/pscale_pw_)"},
     .variants = {{"pscale_(?:tkn|pw|oauth)_", LS_LB_TOKEN "pscale_(?:tkn|pw|oauth)_[A-Za-z0-9_.-]{32,64}" LS_LA_TOKEN,
                   13, 77, NULL}},
     .min_entropy = 3.5,
     .examples = EX({"key: pscale_pw_Ab8jHX4IDQKC61nAJHSoaEgo9xX-Tc-1wFtwsGsIBK4\n",
                     "pscale_pw_Ab8jHX4IDQKC61nAJHSoaEgo9xX-Tc-1wFtwsGsIBK4"},
                    {"export TOKEN=\"pscale_pw_lZlbejJIaqG-zICyyZasOlSLhM5mR1Y0zI6WflPynxi\"\n",
                     "pscale_pw_lZlbejJIaqG-zICyyZasOlSLhM5mR1Y0zI6WflPynxi"},
                    {"{\"credential\":\"pscale_pw_VtBpCdEJ4Pqusu1gCzp2YUbuVZZxQORNlC-1zPfMA3s\",\"ok\":true}",
                     "pscale_pw_VtBpCdEJ4Pqusu1gCzp2YUbuVZZxQORNlC-1zPfMA3s"}),
     .negatives = NEG("pscale_pw_Ab8jHX4IDQK")},

    /* Macaroon tokens: FlyV1 fm2_<base64>. fly.io/docs/security/tokens */
    {.rule = {"flyio-token", LS_CAT_SECRET, "Fly.io macaroon token (fm1_/fm2_)"},
     .variants = {{"fm[12]_", LS_LB_TOKEN "fm[12]_[A-Za-z0-9+/=_-]{100,2000}(?![A-Za-z0-9+/=_-])", 4, 2010, NULL}},
     .min_entropy = 4.0,
     .examples =
         EX({"Authorization: FlyV1 "
             "fm2_DBh+wtOyhAxi7L9xXMRcH8a7lNeMnveEbWE54mDQTk/"
             "orJbx0tMWkh4l7JZntFpPrk24Wo91fVgI3WuHOXWOMKsp4qcKaq8XW2N3JYuGsNIsXIn0gQs+Lo6m6+Zf0FtlqtZ5/"
             "1SbDsFuIyQSp0+VMqzrQOUMjE0Co/wJ4rla+y1ytYeRM2Uy\n",
             "fm2_DBh+wtOyhAxi7L9xXMRcH8a7lNeMnveEbWE54mDQTk/"
             "orJbx0tMWkh4l7JZntFpPrk24Wo91fVgI3WuHOXWOMKsp4qcKaq8XW2N3JYuGsNIsXIn0gQs+Lo6m6+Zf0FtlqtZ5/"
             "1SbDsFuIyQSp0+VMqzrQOUMjE0Co/wJ4rla+y1ytYeRM2Uy"},
            {"FLY_API_TOKEN=\"fm2_anicjMUdfzqwDF+88jiMiXAZdl6q6BZAGqcNBaw02DlwR8diSNM2019IsgCD7DbKq3wuPHemkUoMfcjQ4+"
             "T1GgX3FIjTVgz1ogeIWHa6xmterbgaH3QcI5HC67CVgcRmxQGQAZYkwDUnkgy5CwHfo3/yxaBGRX0PqdCmYpkKOxC/RI0/zJ5C\"\n",
             "fm2_anicjMUdfzqwDF+88jiMiXAZdl6q6BZAGqcNBaw02DlwR8diSNM2019IsgCD7DbKq3wuPHemkUoMfcjQ4+"
             "T1GgX3FIjTVgz1ogeIWHa6xmterbgaH3QcI5HC67CVgcRmxQGQAZYkwDUnkgy5CwHfo3/yxaBGRX0PqdCmYpkKOxC/RI0/zJ5C"},
            {"{\"t\":\"fm2_KYAHr3Qq6+g7kd3JF2hwNwjo54VEA+ktvA/sbDla5TeLdwPqtYyjLS3GBZtg9XuOhNHGjeAHcvHemmbe4sEH1/TGr/"
             "8z8/HHxaomM7Md3Qxy2Sh8S51PIult63VokQJs9MRTFKV99Tj0HYKWeLX0qqaz8nSflfFH+wgju0q4l9xpo+dquKN9\"}",
             "fm2_KYAHr3Qq6+g7kd3JF2hwNwjo54VEA+ktvA/sbDla5TeLdwPqtYyjLS3GBZtg9XuOhNHGjeAHcvHemmbe4sEH1/TGr/8z8/"
             "HHxaomM7Md3Qxy2Sh8S51PIult63VokQJs9MRTFKV99Tj0HYKWeLX0qqaz8nSflfFH+wgju0q4l9xpo+dquKN9"}),
     .negatives = NEG("fm2_DBh+wtOy")},

    /* MWS auth tokens: amzn.mws. + UUID. developer-docs.amazon.com/sp-api (MWS authorization) */
    {.rule = {"aws-mws-auth-token", LS_CAT_SECRET, "Amazon MWS auth token (amzn.mws.)"},
     .variants = {{"amzn\\.mws\\.",
                   LS_LB_TOKEN "amzn\\.mws\\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}" LS_LA_TOKEN,
                   9, 45, NULL}},
     .min_entropy = 3.0,
     .examples =
         EX({"key: amzn.mws.1c0286de-a6d7-c386-1b93-80c8a13d76a0\n", "amzn.mws.1c0286de-a6d7-c386-1b93-80c8a13d76a0"},
            {"export TOKEN=\"amzn.mws.793760dc-a496-0876-060d-ddab08948811\"\n",
             "amzn.mws.793760dc-a496-0876-060d-ddab08948811"},
            {"{\"credential\":\"amzn.mws.9f6c1fe2-27b9-519a-d29a-a467ab52d6da\",\"ok\":true}",
             "amzn.mws.9f6c1fe2-27b9-519a-d29a-a467ab52d6da"}),
     .negatives = NEG("amzn.mws.1c0286de")},

    /* API keys start with AQVN. yandex.cloud/en/docs/iam/concepts/authorization/api-key */
    {.rule = {"yandex-cloud-api-key", LS_CAT_SECRET, "Yandex Cloud API key (AQVN)"},
     .variants = {{"AQVN", LS_LB_TOKEN "AQVN[A-Za-z0-9_-]{35,38}" LS_LA_TOKEN, 4, 42, NULL}},
     .min_entropy = 3.5,
     .examples =
         EX({"key: AQVNs2LU4yJqeqcx2Eyl9UsDEKsOmxAL6mMtLCHy\n", "AQVNs2LU4yJqeqcx2Eyl9UsDEKsOmxAL6mMtLCHy"},
            {"export TOKEN=\"AQVNh9s3uEgAu14EQI6hTx6bVyOMe6Qz6dMwv-zt\"\n", "AQVNh9s3uEgAu14EQI6hTx6bVyOMe6Qz6dMwv-zt"},
            {"{\"credential\":\"AQVN0S015EOUULvATojMUy--Rumv8LFMmITvBESn\",\"ok\":true}",
             "AQVN0S015EOUULvATojMUy--Rumv8LFMmITvBESn"}),
     .negatives = NEG("AQVNs2LU4yJq")},

    /* API keys start with rnd_. render.com/docs/api#1-create-an-api-key */
    {.rule = {"render-api-key", LS_CAT_SECRET, "Render API key (rnd_)"},
     .variants = {{"rnd_", LS_LB_TOKEN "rnd_[A-Za-z0-9]{32}" LS_LA_TOKEN, 4, 36, NULL}},
     .min_entropy = 3.5,
     .examples = EX({"key: rnd_snQBTlBIUdWAchkT9dgqylT0oU4dWe2V\n", "rnd_snQBTlBIUdWAchkT9dgqylT0oU4dWe2V"},
                    {"export TOKEN=\"rnd_IZ5DZcjZfIyhoLlKmzypvNDAYTVi9JmT\"\n", "rnd_IZ5DZcjZfIyhoLlKmzypvNDAYTVi9JmT"},
                    {"{\"credential\":\"rnd_x5486M1LrolaSSXR5CCZ94Lp8GKDBSGA\",\"ok\":true}",
                     "rnd_x5486M1LrolaSSXR5CCZ94Lp8GKDBSGA"}),
     .negatives = NEG("rnd_snQBTlBI")},

    /* X25519 identities: Bech32 AGE-SECRET-KEY-1 + 58 characters. age-encryption.org/v1 */
    {.rule = {"age-secret-key", LS_CAT_SECRET, "age encryption secret key (AGE-SECRET-KEY-1)"},
     .variants = {{"AGE-SECRET-KEY-1", LS_LB_TOKEN "AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}" LS_LA_TOKEN,
                   16, 74, NULL}},
     .min_entropy = 3.5,
     .examples = EX(
         {"key: AGE-SECRET-KEY-175PF7VQWW8TVFZ22MEGPUAVNGF9C874V3537JH3ZPAST0T84MAFQ647HL7\n",
          "AGE-SECRET-KEY-175PF7VQWW8TVFZ22MEGPUAVNGF9C874V3537JH3ZPAST0T84MAFQ647HL7"},
         {"export TOKEN=\"AGE-SECRET-KEY-1ZZYEKWJHL5NA9K09YSXUPPKFWJU0LU0CGRDU2FQA6S389KUJ24ZVR00HQX\"\n",
          "AGE-SECRET-KEY-1ZZYEKWJHL5NA9K09YSXUPPKFWJU0LU0CGRDU2FQA6S389KUJ24ZVR00HQX"},
         {"{\"credential\":\"AGE-SECRET-KEY-1TJ5AW2D3YD4Q8MSCLHC5T8HX5PPXLMSRL256SXA7UA4KL2V5WMEHGG8E4J\",\"ok\":true}",
          "AGE-SECRET-KEY-1TJ5AW2D3YD4Q8MSCLHC5T8HX5PPXLMSRL256SXA7UA4KL2V5WMEHGG8E4J"}),
     .negatives = NEG("AGE-SECRET-KEY-175PF7VQW")},

    /* Service account tokens: ops_ + base64 JSON. developer.1password.com/docs/service-accounts */
    {.rule = {"1password-service-account-token", LS_CAT_SECRET, "1Password service account token (ops_eyJ)"},
     .variants = {{"ops_eyJ", LS_LB_TOKEN "ops_eyJ[A-Za-z0-9+/=_-]{100,1500}(?![A-Za-z0-9+/=_-])", 7, 1510, NULL}},
     .min_entropy = 4.0,
     .examples = EX(
         {"key: "
          "ops_eyJcAQaNPLxiS9c+xS6NdsX4dC4mULumzqWZCAdHByS8cchX/JwNBNXZ/iKOduIFSnSI+4mKxbx/"
          "KimT9Pfc+hLfCmQ8nJVV+0ow51oUEA68oWAlj5PWsAJvBhD3q9A/"
          "MzTN44aM4m8KksVz1yiqYaSofV2RaKduFKUD7z8UraCKFgee90k3OnBZwRZ3lZLPZAXt/"
          "0DYbj6WwNVgEbUJwCrR+Je8oFZbBQgurPnClRCpTVu01X43dk8UyNlct\n",
          "ops_eyJcAQaNPLxiS9c+xS6NdsX4dC4mULumzqWZCAdHByS8cchX/JwNBNXZ/iKOduIFSnSI+4mKxbx/"
          "KimT9Pfc+hLfCmQ8nJVV+0ow51oUEA68oWAlj5PWsAJvBhD3q9A/"
          "MzTN44aM4m8KksVz1yiqYaSofV2RaKduFKUD7z8UraCKFgee90k3OnBZwRZ3lZLPZAXt/"
          "0DYbj6WwNVgEbUJwCrR+Je8oFZbBQgurPnClRCpTVu01X43dk8UyNlct"},
         {"export "
          "TOKEN=\"ops_eyJvBz+Wz3QhhtTTrDDl9lpB7XKazG0xPCDZqZewHlxlw8WVdBxhYBaYpOl+"
          "vxHFH0vMagMIuMPSgklfBA2TMtGTgJRDj4cwoFxzMKJfkkNuVZhZknc7E8GmG6MIiNGx4A3V7XrLHSADuoh0rBXV+"
          "16lkVc26TtmiQwHMRbt7QyybUkCPWLEiwScTZSy2cRffhfTHRqO3m/"
          "Qum7yA3IHlPMuTX7otOHyzk0asn4AW4OhDS9evoLuurMkljB0h\"\n",
          "ops_eyJvBz+Wz3QhhtTTrDDl9lpB7XKazG0xPCDZqZewHlxlw8WVdBxhYBaYpOl+"
          "vxHFH0vMagMIuMPSgklfBA2TMtGTgJRDj4cwoFxzMKJfkkNuVZhZknc7E8GmG6MIiNGx4A3V7XrLHSADuoh0rBXV+"
          "16lkVc26TtmiQwHMRbt7QyybUkCPWLEiwScTZSy2cRffhfTHRqO3m/Qum7yA3IHlPMuTX7otOHyzk0asn4AW4OhDS9evoLuurMkljB0h"},
         {"{\"credential\":\"ops_eyJgaVwwnIoI/"
          "JJc1VokrHJAZiYdlky8YCYlNNQZ49OOg6ULQtY8Q9sigxTd8hXxfbUJAQZahDbqoJqk1qQHGpmtMZVwbhIBEb5cTWeHFcUQZZ4CheY4gD663"
          "hjwfxRc6etgJK29sJPpaPOAD8GjsEFCRoZZI8WCL5wXSzutG8wsr3pfrTzKqv5eBZ+ahIz+fNqRG62qP38IOnUSw+D0+NXWaVHrf+"
          "RhPq9KgWl/iSr51Ih3Ajp3saxiOzvSb\",\"ok\":true}",
          "ops_eyJgaVwwnIoI/"
          "JJc1VokrHJAZiYdlky8YCYlNNQZ49OOg6ULQtY8Q9sigxTd8hXxfbUJAQZahDbqoJqk1qQHGpmtMZVwbhIBEb5cTWeHFcUQZZ4CheY4gD663"
          "hjwfxRc6etgJK29sJPpaPOAD8GjsEFCRoZZI8WCL5wXSzutG8wsr3pfrTzKqv5eBZ+ahIz+fNqRG62qP38IOnUSw+D0+NXWaVHrf+"
          "RhPq9KgWl/iSr51Ih3Ajp3saxiOzvSb"}),
     .negatives = NEG("ops_eyJcAQaNPLx")},

    /* Secret Keys: A3-XXXXXX-XXXXXX-XXXXX-XXXXX-XXXXX-XXXXX. support.1password.com/secret-key-security */
    {.rule = {"1password-secret-key", LS_CAT_SECRET, "1Password account Secret Key (A3-)"},
     .variants = {{"A3-[A-Z0-9]{6}-[A-Z0-9]{6}-",
                   LS_LB_TOKEN "A3-[A-Z0-9]{6}-[A-Z0-9]{6}-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}" LS_LA_TOKEN,
                   17, 37, NULL}},
     .min_entropy = 3.5,
     .examples =
         EX({"key: A3-3175Q5-TA5C0C-8QNQE-51EYF-HBXBW-XVCVH\n", "A3-3175Q5-TA5C0C-8QNQE-51EYF-HBXBW-XVCVH"},
            {"export TOKEN=\"A3-5QR7HC-1X7MOZ-KZNRI-JYHP2-2YWMA-XYLVG\"\n", "A3-5QR7HC-1X7MOZ-KZNRI-JYHP2-2YWMA-XYLVG"},
            {"{\"credential\":\"A3-27GU28-0C4CRL-8K02S-IUFGE-JOB32-HD0HF\",\"ok\":true}",
             "A3-27GU28-0C4CRL-8K02S-IUFGE-JOB32-HD0HF"}),
     .negatives = NEG("A3-3175Q5-TA5C0C-8QNQE-51")},

    /* OAuth access tokens since 4.6: sha256~ + 43 characters. docs.openshift.com/container-
     * platform/4.14/authentication/understanding-authentication.html */
    {.rule = {"openshift-token", LS_CAT_SECRET, "OpenShift OAuth access token (sha256~)"},
     .variants = {{"sha256~", LS_LB_TOKEN "sha256~[A-Za-z0-9_-]{43}" LS_LA_TOKEN, 7, 50, NULL}},
     .min_entropy = 3.5,
     .examples = EX({"key: sha256~YpgY4tFVtLSDwx-453tSGI9ftX3chwkFoiGTRmZ1sWh\n",
                     "sha256~YpgY4tFVtLSDwx-453tSGI9ftX3chwkFoiGTRmZ1sWh"},
                    {"export TOKEN=\"sha256~oUZM5ChCCsDgNX-OqmXglcTRSDOyYm7dPkoAdGoPZjc\"\n",
                     "sha256~oUZM5ChCCsDgNX-OqmXglcTRSDOyYm7dPkoAdGoPZjc"},
                    {"{\"credential\":\"sha256~WJM9BUGt-GtJ0blR0aNdmyzR8yFUilV57n13oU1nFoB\",\"ok\":true}",
                     "sha256~WJM9BUGt-GtJ0blR0aNdmyzR8yFUilV57n13oU1nFoB"}),
     .negatives = NEG("sha256~YpgY4tFV")},

    /* API tokens start with tk-us-. developers.scalingo.com */
    {.rule = {"scalingo-api-token", LS_CAT_SECRET, "Scalingo API token (tk-us-)"},
     .variants = {{"tk-us-", LS_LB_TOKEN "tk-us-[A-Za-z0-9_-]{48}" LS_LA_TOKEN, 6, 54, NULL}},
     .min_entropy = 3.5,
     .examples = EX({"key: tk-us-lrU9IPVlQxTkdzv63zu80WtJFEoVG0OzWvp1pANPK_MgxzFY\n",
                     "tk-us-lrU9IPVlQxTkdzv63zu80WtJFEoVG0OzWvp1pANPK_MgxzFY"},
                    {"export TOKEN=\"tk-us-7N7f3qD3xjC72AtRPtBEzjfMq1X7cbRoAwVMbcgSlNO5ij_f\"\n",
                     "tk-us-7N7f3qD3xjC72AtRPtBEzjfMq1X7cbRoAwVMbcgSlNO5ij_f"},
                    {"{\"credential\":\"tk-us-7nUxDhGx2-6-InZP-4iePThUib9QeDs_mbvu0A65rpsDz4z4\",\"ok\":true}",
                     "tk-us-7nUxDhGx2-6-InZP-4iePThUib9QeDs_mbvu0A65rpsDz4z4"}),
     .negatives = NEG("tk-us-lrU9IPVl")},

    {.rule = {NULL, 0, NULL}},
};
