/* Credential rules for chat webhooks and bots (Telegram, Discord, Slack app/config tokens, Teams,
 * Zapier, Google Chat), key files (PGP, PuTTY), HTTP Basic/Bearer headers and passwords in URLs,
 * JDBC and ODBC connection strings: formats from vendor documentation and RFCs, cited per rule.
 * Example values are random fakes. */
#include "detect/rules.h"
#include "detect/validators.h"

#define EX(...) ((const struct ls_rule_example[]){__VA_ARGS__, {NULL, NULL}})
#define NEG(...) ((const char *const[]){__VA_ARGS__, NULL})

const struct ls_rule_def ls_rules_auth[] = {
    /* Bot tokens: numeric bot id, colon, 35 characters starting AA. core.telegram.org/bots/api#authorizing-your-
     * bot */
    {.rule = {"telegram-bot-token", LS_CAT_SECRET, "Telegram bot token (<bot id>:AA…)"},
     .variants = {{"\\d:AA[A-Za-z0-9_-]{33}",
                   "(?:(?<=/bot)|(?<![A-Za-z0-9:]))\\d{8,10}:AA[A-Za-z0-9_-]{33}" LS_LA_TOKEN, 47, 46, NULL}},
     .min_entropy = 3.5,
     .examples = EX({"GET https://api.telegram.org/bot2981632869:AAX1YPOgR1uzmYjxhqYxZjpiQlyw7l3uTQ7/sendMessage 200\n",
                     "2981632869:AAX1YPOgR1uzmYjxhqYxZjpiQlyw7l3uTQ7"},
                    {"TELEGRAM_TOKEN=\"8908615061:AAJ4iJOVQylTtRP-Md7qoBjkh5_ZhIIl49X\"\n",
                     "8908615061:AAJ4iJOVQylTtRP-Md7qoBjkh5_ZhIIl49X"},
                    {"{\"bot\":\"3760165621:AAAQWQDEYcBa5LlDcR8UD1H5VE1ZhloxXwZ\"}",
                     "3760165621:AAAQWQDEYcBa5LlDcR8UD1H5VE1ZhloxXwZ"}),
     .negatives = NEG("2981632869:AAX1YPOgR1uzmYjxhqY")},

    /* Webhook URLs: https://discord.com/api/webhooks/<id>/<token>. discord.com/developers/docs/resources/webhook */
    {.rule = {"discord-webhook", LS_CAT_SECRET, "Discord webhook URL"},
     .variants = {{"discord(?:app)?\\.com/api/webhooks/",
                   "https://(?:(?:canary|ptb)\\.)?discord(?:app)?\\.com/api/webhooks/\\d{17,20}/"
                   "[A-Za-z0-9_-]{60,68}(?![A-Za-z0-9_-])",
                   64, 180, NULL}},
     .min_entropy = 3.5,
     .examples = EX({"notify: "
                     "https://discord.com/api/webhooks/207718848582775901/"
                     "SrT8GSmwLR-9-tFjp9iHfEp9lPGO8Xg5K_p0IJOeSoZHmRCs5EF-wJizQbxAd2HpWyha\n",
                     "https://discord.com/api/webhooks/207718848582775901/"
                     "SrT8GSmwLR-9-tFjp9iHfEp9lPGO8Xg5K_p0IJOeSoZHmRCs5EF-wJizQbxAd2HpWyha"}),
     .negatives = NEG("https://discord.com/api/webhooks/123/abc",
                      "https://discord.com/api/webhooks/207718848582775901/SrT8GSmwLR-9-tFjp9iH")},

    /* App-level tokens: xapp-1-<app id>-<number>-<64 hex>. api.slack.com/authentication/token-types#app-level */
    {.rule = {"slack-app-token", LS_CAT_SECRET, "Slack app-level token (xapp-)"},
     .variants = {{"xapp-\\d-", LS_LB_TOKEN "xapp-\\d-[A-Z0-9]{9,12}-\\d{10,16}-[a-f0-9]{64}" LS_LA_TOKEN, 7, 110,
                   NULL}},
     .min_entropy = 3.0,
     .examples =
         EX({"key: xapp-1-A01D9HPGDK8-7953561100963-e1a9b8603fe0c2d37964a50da176e46c41798540a9a0d7f62918f5cc9999b367\n",
             "xapp-1-A01D9HPGDK8-7953561100963-e1a9b8603fe0c2d37964a50da176e46c41798540a9a0d7f62918f5cc9999b367"},
            {"export "
             "TOKEN=\"xapp-1-A0V02AQBM6D-2534340328866-"
             "44cd15f9bc968e3d4f0338521728230fa7f256efd2d24ec84dace641b8643a0b\"\n",
             "xapp-1-A0V02AQBM6D-2534340328866-44cd15f9bc968e3d4f0338521728230fa7f256efd2d24ec84dace641b8643a0b"},
            {"{\"credential\":\"xapp-1-A0Z8QKN5SZD-5895121589402-"
             "070dd9f11bf3d97f02b4ba8d25fd6f97d03b309b6e3567bc99e7aae531c38f44\",\"ok\":true}",
             "xapp-1-A0Z8QKN5SZD-5895121589402-070dd9f11bf3d97f02b4ba8d25fd6f97d03b309b6e3567bc99e7aae531c38f44"}),
     .negatives = NEG("xapp-1-A01D9HPG")},

    /* Configuration access tokens xoxe.xoxp-1-…, refresh tokens xoxe-1-…. api.slack.com/authentication/config-
     * tokens */
    {.rule = {"slack-config-token", LS_CAT_SECRET, "Slack app configuration token (xoxe.xoxp-/xoxe-)"},
     .variants = {{"xoxe", LS_LB_TOKEN "xoxe(?:\\.xox[bp])?-\\d-[A-Za-z0-9]{140,170}" LS_LA_TOKEN, 4, 190, NULL}},
     .min_entropy = 4.0,
     .examples = EX({"key: "
                     "xoxe.xoxp-1-"
                     "fBA6cLRkGXVGb58zl9ei9aLufpODnxkYSzREfEuTyeN8jFNsNp9pgtABuiKUuEp4G8NlmWY8CP9O75FljlI3VV14QRL1lE39i"
                     "GI9k5LFJBdVffU3ydYbDJoaRk5rQgU3Lujm3MGW4z1XAnlsBbl1he7xpbD8gpVe\n",
                     "xoxe.xoxp-1-"
                     "fBA6cLRkGXVGb58zl9ei9aLufpODnxkYSzREfEuTyeN8jFNsNp9pgtABuiKUuEp4G8NlmWY8CP9O75FljlI3VV14QRL1lE39i"
                     "GI9k5LFJBdVffU3ydYbDJoaRk5rQgU3Lujm3MGW4z1XAnlsBbl1he7xpbD8gpVe"},
                    {"export "
                     "TOKEN=\"xoxe.xoxp-1-"
                     "KcOtzJHURMxpBcFavH8h3uX0SYz4I8NvvqkqGiOeyCM7RCawC2cAJJkgDZjoOQewhHwEBrxaHM21ukov9WGuXLc6FPIZgg5Do"
                     "zDulfbm0cuYk8Acbhdb1ahXk7U3ei867J0lVLLKHg2B3qf8pO9G0zU6OjTf09Wh\"\n",
                     "xoxe.xoxp-1-"
                     "KcOtzJHURMxpBcFavH8h3uX0SYz4I8NvvqkqGiOeyCM7RCawC2cAJJkgDZjoOQewhHwEBrxaHM21ukov9WGuXLc6FPIZgg5Do"
                     "zDulfbm0cuYk8Acbhdb1ahXk7U3ei867J0lVLLKHg2B3qf8pO9G0zU6OjTf09Wh"},
                    {"{\"credential\":\"xoxe.xoxp-1-"
                     "e4CiHcTti3hOT4aeVmgd7xyMSUbn9zaIE5Y1VY7XoMwgvQa93cjCj5UeHysCDITAYyipqipmRhyQWPzDKndQOzhAb5IEaR7Ux"
                     "5JPMqaMdKtnsopxIdffp4cLYXz7yG01Zz7xBTECodd1gP4H74GozW6vTaERbrgg\",\"ok\":true}",
                     "xoxe.xoxp-1-"
                     "e4CiHcTti3hOT4aeVmgd7xyMSUbn9zaIE5Y1VY7XoMwgvQa93cjCj5UeHysCDITAYyipqipmRhyQWPzDKndQOzhAb5IEaR7Ux"
                     "5JPMqaMdKtnsopxIdffp4cLYXz7yG01Zz7xBTECodd1gP4H74GozW6vTaERbrgg"}),
     .negatives = NEG("xoxe.xoxp-1-")},

    /* Incoming webhook URLs:
     * https://<tenant>.webhook.office.com/webhookb2/<group>@<tenant>/IncomingWebhook/<id>/<owner>.
     * learn.microsoft.com/microsoftteams/platform/webhooks-and-connectors/how-to/add-incoming-webhook */
    {.rule = {"teams-webhook", LS_CAT_SECRET, "Microsoft Teams incoming webhook URL"},
     .variants = {{"\\.webhook\\.office\\.com/webhookb2/",
                   "https://[A-Za-z0-9-]{1,60}\\.webhook\\.office\\.com/webhookb2/[a-f0-9-]{36}@[a-f0-9-]{36}/"
                   "IncomingWebhook/[a-f0-9]{32}/[a-f0-9-]{36}",
                   100, 260, NULL}},
     .min_entropy = 3.5,
     .examples = EX({"TEAMS_URL=https://contoso.webhook.office.com/webhookb2/"
                     "df3be557-020c-5a4d-e64a-5471a8cf0d5e@b335cbb6-2cc8-e864-47e9-fbcbf71e9fa2/IncomingWebhook/"
                     "1650f6610ad165ac6ca5c7c2b5e9a1b6/696c18d1-be08-007c-c326-94ab7db4395f\n",
                     "https://contoso.webhook.office.com/webhookb2/"
                     "df3be557-020c-5a4d-e64a-5471a8cf0d5e@b335cbb6-2cc8-e864-47e9-fbcbf71e9fa2/IncomingWebhook/"
                     "1650f6610ad165ac6ca5c7c2b5e9a1b6/696c18d1-be08-007c-c326-94ab7db4395f"}),
     .negatives = NEG("https://contoso.webhook.office.com/webhookb2/<group>@<tenant>/IncomingWebhook/<id>/<owner>",
                      "https://contoso.webhook.office.com/webhookb2/"
                      "df3be557-020c-5a4d-e64a-5471a8cf0d5e@b335cbb6-2cc8-e864-47e9-fb")},

    /* Catch hooks: https://hooks.zapier.com/hooks/catch/<account>/<hook>/. zapier.com/help/create/code-
     * webhooks/trigger-zaps-from-webhooks */
    {.rule = {"zapier-webhook", LS_CAT_SECRET, "Zapier catch hook URL"},
     .variants = {{"hooks\\.zapier\\.com/hooks/catch/",
                   "https://hooks\\.zapier\\.com/hooks/catch/\\d{3,12}/[a-z0-9]{5,12}/?(?![A-Za-z0-9])", 40, 90, NULL}},
     .min_entropy = 3.0,
     .examples = EX({"POST https://hooks.zapier.com/hooks/catch/4356651/rcvvqdq/ 200\n",
                     "https://hooks.zapier.com/hooks/catch/4356651/rcvvqdq/"}),
     .negatives = NEG("https://hooks.zapier.com/hooks/catch/123/", "https://hooks.zapier.com/hooks/catc")},

    /* Webhook URLs carry key= and token= query parameters.
     * developers.google.com/workspace/chat/quickstart/webhooks */
    {.rule = {"google-chat-webhook", LS_CAT_SECRET, "Google Chat incoming webhook URL"},
     .prio = -1,
     .variants = {{"chat\\.googleapis\\.com/v1/spaces/",
                   "https://chat\\.googleapis\\.com/v1/spaces/[A-Za-z0-9_-]{6,20}/"
                   "messages\\?key=[A-Za-z0-9_-]{39}&token=[A-Za-z0-9_%=-]{20,80}",
                   40, 220, NULL}},
     .min_entropy = 3.5,
     .examples = EX(
         {"url=https://chat.googleapis.com/v1/spaces/AAAALK4EN0-/"
          "messages?key=AIzaozqd20M7LLW1usEaoPp6jvrlxG-HGMmv_Ge&token=8vFUMV2nTOKmn0io2ewusTa15lr25BjMKvLNHu8ly5o%3D\n",
          "https://chat.googleapis.com/v1/spaces/AAAALK4EN0-/"
          "messages?key=AIzaozqd20M7LLW1usEaoPp6jvrlxG-HGMmv_Ge&token=8vFUMV2nTOKmn0io2ewusTa15lr25BjMKvLNHu8ly5o%3D"}),
     .negatives = NEG("https://chat.googleapis.com/v1/spaces/SPACE/messages?key=KEY&token=TOKEN",
                      "https://chat.googleapis.com/v1/spaces/AAAALK4EN0")},

    /* OpenPGP ASCII armor: BEGIN/END PGP PRIVATE KEY BLOCK (RFC 4880 section 6.2) */
    {.rule = {"pgp-private-key", LS_CAT_SECRET, "PGP private key block"},
     .variants = {{"-----BEGIN PGP PRIVATE KEY BLOCK",
                   "-----BEGIN PGP PRIVATE KEY BLOCK-----[A-Za-z0-9+/=\\s:,.()\\\\-]{64,16300}?-----END PGP PRIVATE "
                   "KEY BLOCK-----",
                   32, 16400, NULL}},
     .validate = ls_v_private_key,
     .min_entropy = 0,
     .examples = EX({"exported:\n-----BEGIN PGP PRIVATE KEY "
                     "BLOCK-----\n\n5ab6MwmTdhH5kBSmDIyfD+WHKK8HHFcUoNPJl3LQtzmM0Hh7lolpOl9q34+"
                     "8hd7g\nEAN9e1sIn4ON31C3R52zmdeSKgGO7XDjsA3DYfk/"
                     "mqQOZ0z9rV44UBSdqAHJlbSv\nfMIVDJVy4Xksol7zsZSk3TbzXIzZzd5IZQPtJ+ES\n=f3Hz\n-----END PGP PRIVATE "
                     "KEY BLOCK-----\n",
                     "-----BEGIN PGP PRIVATE KEY "
                     "BLOCK-----\n\n5ab6MwmTdhH5kBSmDIyfD+WHKK8HHFcUoNPJl3LQtzmM0Hh7lolpOl9q34+"
                     "8hd7g\nEAN9e1sIn4ON31C3R52zmdeSKgGO7XDjsA3DYfk/"
                     "mqQOZ0z9rV44UBSdqAHJlbSv\nfMIVDJVy4Xksol7zsZSk3TbzXIzZzd5IZQPtJ+ES\n=f3Hz\n-----END PGP PRIVATE "
                     "KEY BLOCK-----"}),
     .negatives = NEG("-----BEGIN PGP PRIVATE KEY BLOCK-----\n...\n-----END PGP PRIVATE KEY BLOCK-----",
                      "-----BEGIN PGP PUBLIC KEY "
                      "BLOCK-----\n1IjDhmWAaDBCT3M0fnJqeEEg3ds61I+z5M+vWEH8FwCSx1Xlg/"
                      "pDQRkpveCv2fjO\nNX7myAegUzNRPbV4OcFNkHgcbQUEefCBXdVpyDjNRDXCk7JDJCNAi9kwg5WQrw0H\n-----END PGP "
                      "PUBLIC KEY BLOCK-----")},

    /* PPK format v2/v3: header lines, Public-Lines, Private-Lines, Private-MAC.
     * the.earth.li/~sgtatham/putty/0.78/htmldoc/AppendixC.html */
    {.rule = {"putty-private-key", LS_CAT_SECRET, "PuTTY private key file (.ppk)"},
     .variants =
         {{"PuTTY-User-Key-File-",
           "PuTTY-User-Key-File-[23]: [a-z0-9-]{3,40}\\r?\\n[\\s\\S]{20,16000}?Private-(?:MAC|Hash): [a-f0-9]{40,64}",
           20, 16200, NULL}},
     .validate = ls_v_putty,
     .min_entropy = 3.5,
     .examples = EX({"PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: eddsa-key-20240101\nPublic-Lines: "
                     "2\ns0g9YfXjDBaPyLQihdY2PiU1wUderdSYV2YsZYcBeorLk56UZUncdPGmVLe/fE+v\nNhtu\nPrivate-Lines: "
                     "1\nzPobdShY5axyt/lIBjuYzbLl1iVEysYYl372m2K7gjp=\nPrivate-MAC: "
                     "1a724f86e3b686dc38b580c07f97f06e31753f2961a2ab90044cd12de63170a8\n",
                     "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: eddsa-key-20240101\nPublic-Lines: "
                     "2\ns0g9YfXjDBaPyLQihdY2PiU1wUderdSYV2YsZYcBeorLk56UZUncdPGmVLe/fE+v\nNhtu\nPrivate-Lines: "
                     "1\nzPobdShY5axyt/lIBjuYzbLl1iVEysYYl372m2K7gjp=\nPrivate-MAC: "
                     "1a724f86e3b686dc38b580c07f97f06e31753f2961a2ab90044cd12de63170a8"}),
     .negatives = NEG("PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: x\nPublic-Lines: "
                      "2\nvye6S8DdrDiTDQ8H2v+45wGim+vwv5/D/82QYnnC52oWu8sxLTFPK4Kz9HD/gMMi\nPrivate-MAC: "
                      "416a3a9da800046ff063674d48cbe59364c7a2a56851527d59b47e0bb6308932")},

    /* Authorization: Basic base64(user:password), RFC 7617; the validator decodes it and needs a real password */
    {.rule = {"http-basic-auth", LS_CAT_SECRET, "HTTP Basic credentials in an Authorization header"},
     .prio = 1,
     .variants = {{"(?i)authorization",
                   "(?i:authorization)\\\\?[\"\\']?\\s{0,3}:\\s{0,3}\\\\?[\"\\']?(?i:basic)\\s{1,3}(?<v>[A-Za-z0-9+/"
                   "]{8,340}={0,2})(?![A-Za-z0-9+/=])",
                   13, 400, ls_q_assign}},
     .validate = ls_v_basic_auth,
     .min_entropy = 0,
     .examples =
         EX({"GET /metrics HTTP/1.1\r\nAuthorization: Basic c3ZjLWRlcGxveTpWcTgja0xtMlpwOXRSdzR4\r\n",
             "c3ZjLWRlcGxveTpWcTgja0xtMlpwOXRSdzR4"},
            {"{\"headers\":{\"authorization\":\"Basic YWRtaW46TmM3aFRxMndMeDlL\"}}", "YWRtaW46TmM3aFRxMndMeDlL"}),
     .negatives = NEG("Authorization: Basic dXNlcjpwYXNzd29yZA==", "Authorization: Basic bm8tY29sb24taGVyZS1hdC1hbGw=",
                      "Authorization: Basic <credentials>", "Authorization: Basic YWRtaW46Y2hhbmdlbWU=")},

    /* Authorization: Bearer <token>, RFC 6750 section 2.1; vendor-specific rules win when they know the token */
    {.rule = {"http-bearer-token", LS_CAT_SECRET, "Bearer token in an Authorization header"},
     .prio = 3,
     .variants = {{"(?i)authorization",
                   "(?i:authorization)\\\\?[\"\\']?\\s{0,3}:\\s{0,3}\\\\?[\"\\']?(?i:bearer)\\s{1,3}(?<v>[A-Za-z0-9._~+"
                   "/-]{20,2048}=*)(?![A-Za-z0-9._~+/=-])",
                   13, 2100, ls_q_assign}},
     .validate = ls_v_generic_secret,
     .min_entropy = 3.5,
     .examples = EX(
         {"POST /v2/jobs HTTP/1.1\r\nAuthorization: Bearer Ueb6o51BX5CL.HlmsL6y3S-5fjYwl6IkvHOttgtmiNwOLkZvvQZFF\r\n",
          "Ueb6o51BX5CL.HlmsL6y3S-5fjYwl6IkvHOttgtmiNwOLkZvvQZFF"},
         {"\"Authorization\": \"Bearer ENJYIh-W7LIIBsGjnLbb3xlIBudtAHCTPch7NVuE5BWmLK73\"",
          "ENJYIh-W7LIIBsGjnLbb3xlIBudtAHCTPch7NVuE5BWmLK73"}),
     .negatives =
         NEG("Authorization: Bearer <token>", "Authorization: Bearer ${API_TOKEN}",
             "Authorization: Bearer 2f1c2b6e-8a5d-4c3e-9b7f-1a2b3c4d5e6f",
             "Authorization: Bearer 5f4dcc3b5aa765d61d8327deb882cf99", "Authorization: Bearer your_access_token_here")},

    /* RFC 3986 section 3.2.1 userinfo; database schemes have their own rule */
    {.rule = {"url-credentials", LS_CAT_SECRET, "Password in a URL (https://user:password@host)"},
     .prio = 2,
     .variants = {{"(?i)(?:https?|ftps?|sftp|smtps?|ldaps?|ssh|git)://[^\\s/:@]{1,64}:",
                   "(?i:(?<![A-Za-z0-9+.-])(?:https?|ftps?|sftp|smtps?|ldaps?|ssh|git))://[^\\s/"
                   ":@\"\\'<>\\\\]{1,64}:(?<v>[^\\s/@\"\\'<>\\\\]{4,128})@[A-Za-z0-9_\\[-]",
                   76, 230, NULL}},
     .validate = ls_v_db_password,
     .min_entropy = 0,
     .examples = EX({"fetching https://deploy:IRDrqUN13dORHO@artifacts.internal/repo.git\n", "IRDrqUN13dORHO"},
                    {"{\"remote\":\"ftp://backup:aKLGTb2yNYCN@10.0.0.7/dumps\"}", "aKLGTb2yNYCN"}),
     .negatives = NEG("https://user:password@example.com/", "https://user:${PASSWORD}@host/",
                      "https://user:<password>@host/", "http://localhost:8080/x@y", "https://user:****@host/")},

    /* JDBC URLs carry password= as a property (MySQL, PostgreSQL, SQL Server, ClickHouse drivers):
     * dev.mysql.com/doc/connector-j/en/connector-j-reference-jdbc-url-format.html */
    {.rule = {"jdbc-url-password", LS_CAT_SECRET, "Password in a JDBC connection URL"},
     .prio = 1,
     .variants = {{"(?i)jdbc:[a-z0-9]{2,20}:",
                   "(?i:jdbc:[a-z0-9]{2,20}:)[^\\s\"\\'<>]{0,250}?[;?&:](?i:password)=(?<v>[^;&\\s\"\\'<>]{1,128})", 26,
                   420, NULL}},
     .validate = ls_v_db_password,
     .min_entropy = 0,
     .examples = EX({"spring.datasource.url=jdbc:mysql://db-1:3306/app?user=svc&password=0Ye6o6vReaUbxi&useSSL=true\n",
                     "0Ye6o6vReaUbxi"},
                    {"url=jdbc:sqlserver://sql1:1433;databaseName=crm;user=sa;password=PPFn9lgqeyOL;encrypt=true\n",
                     "PPFn9lgqeyOL"}),
     .negatives = NEG("jdbc:mysql://db:3306/app?user=svc&password=${DB_PASSWORD}",
                      "jdbc:mysql://db:3306/app?user=root&password=password", "jdbc:postgresql://db/app?user=x")},

    /* Connection strings: Server=…;User Id=…;Password=…;
     * learn.microsoft.com/dotnet/framework/data/adonet/connection-string-syntax */
    {.rule = {"odbc-connection-password", LS_CAT_SECRET, "Password in an ODBC/ADO.NET connection string"},
     .prio = 1,
     .variants =
         {{"(?i)(?:server|data source)=",
           "(?i:(?:server|data "
           "source|host|address)=)[^;\\r\\n\"]{1,100};[^\\r\\n\"]{0,300}?(?i:password|pwd)=(?<v>[^;\\s\"\\'<>]{1,128})",
           12, 450, NULL}},
     .validate = ls_v_db_password,
     .min_entropy = 0,
     .examples = EX({"ConnectionStrings__Default=\"Server=sql-prod,1433;Database=crm;User "
                     "Id=app;Password=ti25jhabTGsCiClD;TrustServerCertificate=true\"\n",
                     "ti25jhabTGsCiClD"}),
     .negatives = NEG("Server=db;Database=x;User Id=sa;Password={your_password};",
                      "Server=db;Database=x;Integrated Security=true;")},

    {.rule = {NULL, 0, NULL}},
};
