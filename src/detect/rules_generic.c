/* Format-level secret rules not tied to one vendor: JWTs, passwords in database URLs, PEM private
 * keys and the context-bound generic password/secret assignment. Example values are fake. */
#include "detect/rules.h"
#include "detect/validators.h"

#define EX(...) ((const struct ls_rule_example[]){__VA_ARGS__, {NULL, NULL}})
#define NEG(...) ((const char *const[]){__VA_ARGS__, NULL})

#define JWT1                                                                                                           \
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c3JfNDgyOTEzIiwicm9sZSI6ImFkbWluIiwiaWF0IjoxNzM2MTIxNjAwfQ.bi-"  \
    "Kf8TM5N2fC0EQ2fL6ACXI7-V_N3JPTTfqKxQAQHc"
/* header {"typ":"JWT","kid":"k1"}: no "alg", so not a JWT by the validator */
#define JWT_NOALG "eyJ0eXAiOiJKV1QiLCJraWQiOiJrMSJ9.eyJzdWIiOiJ1c3JfMSJ9.E5tBgN85MiSZYsaFcgAFmuuOoXzzeH4O0p0cC2P_1yk"

#define PEM_BODY                                                                                                       \
    "MIIEpAIBAAKCAQEAyRttDEjUGh5eyeagOShUqGFe7xCfwb+p4lY3ASiPKbPXP2rC\n"                                               \
    "tp7dLBnyZL7kYqW68g/Sfs8UwBHtIB+DYyCtuYurFoaijZgBIQx3NvPuxYDc/EP+\n"                                               \
    "XQSbTXino+u5KGXIUX7QIRH2plLaNSSHK2ox1//kWHdE1et4\n"
#define PEM_RSA "-----BEGIN RSA PRIVATE KEY-----\n" PEM_BODY "-----END RSA PRIVATE KEY-----"
#define PEM_PLAIN "-----BEGIN PRIVATE KEY-----\n" PEM_BODY "-----END PRIVATE KEY-----"
#define PEM_OPENSSH "-----BEGIN OPENSSH PRIVATE KEY-----\n" PEM_BODY "-----END OPENSSH PRIVATE KEY-----"
#define PEM_JSON                                                                                                       \
    "-----BEGIN EC PRIVATE KEY-----\\nMIIEpAIBAAKCAQEAyRttDEjUGh5eyeagOShUqGFe7xCfwb+p4lY3ASiPKbPXP2rC\\n"             \
    "tp7dLBnyZL7kYqW68g\\/Sfs8UwBHtIB+DYyCtuYurFoaijZgBIQx3NvPuxYDc\\n-----END EC PRIVATE KEY-----"

/* Keywords that name a credential in an assignment (key names such as DB_PASSWORD, DB_PASS,
 * client_secret, apiKey, access_token); "pass" only as a word of its own (DB_PASS, dbPass; not
 * bypass, compass, passport). */
#define GEN_KEYS                                                                                                       \
    "(?:passw(?:or)?d|passwd|pwd|(?<![A-Za-z])pass(?![A-Za-z])|(?-i:(?<=[a-z])Pass)(?![A-Za-z])|secret|api_?key|"      \
    "token)"
#define GEN_PF "(?i)(?:passw(?:or)?d|passwd|pwd|pass[^A-Za-z]|secret|api_?key|token)"
#define GEN_BARE "[^\\s\"'`,;&<>(){}\\[\\]\\\\]"

const struct ls_rule_def ls_rules_generic[] = {
    /* JSON Web Tokens: three base64url parts; the header is a JSON object naming "alg".
     * RFC 7519 section 3, RFC 7515 section 7.1 */
    {.rule = {"jwt", LS_CAT_SECRET, "JSON Web Token (header names an algorithm)"},
     .prio = 1,
     .variants = {{"\\.eyJ",
                   LS_LB_TOKEN
                   "eyJ[A-Za-z0-9_-]{8,2048}\\.eyJ[A-Za-z0-9_-]{2,8192}\\.[A-Za-z0-9_-]{16,1024}" LS_LA_TOKEN,
                   2060, 11300, NULL}},
     .validate = ls_v_jwt,
     .examples = EX({"token rejected (expired): " JWT1, JWT1}, {"Authorization: Bearer " JWT1 "\n", JWT1}),
     .negatives = NEG(JWT_NOALG, "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c3JfMSJ9.",
                      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9")},

    /* Passwords in connection URLs: scheme://user:password@host (RFC 3986 userinfo; libpq, MySQL,
     * MongoDB, Redis, ClickHouse and AMQP all accept this form). The capture is the password. */
    {.rule = {"database-url-password", LS_CAT_SECRET, "Password in a database connection URL"},
     .prio = 1,
     .variants = {{"(?i)(?:postgres|mysql|mariadb|mongodb|redis|clickhouse|amqp)",
                   "(?i:(?<![A-Za-z0-9])(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\\+srv)?|rediss?|clickhouse|amqps?))"
                   ":(?:\\\\?/){2}[^\\s/@:\"'<>\\\\]{0,64}:(?<v>[^\\s/@\"'<>\\\\]{1,128})@[A-Za-z0-9_\\[-]",
                   10, 320, NULL}},
     .validate = ls_v_db_password,
     .examples =
         EX({"DATABASE_URL=postgres://svc_user:Gq59Pb2P1JJeE5bz@db-internal:5432/app", "Gq59Pb2P1JJeE5bz"},
            {"could not connect to postgresql://app:s3cr3t-Pa55@10.0.0.5/app: connection refused", "s3cr3t-Pa55"},
            {"MONGO_URI=mongodb+srv://admin:Zk8Tq2Lm@cluster0.mongodb.net/db", "Zk8Tq2Lm"},
            {"REDIS_URL=redis://:hunter2hunter2@cache:6379/0", "hunter2hunter2"},
            {"{\"dsn\":\"clickhouse:\\/\\/default:Ch4ngedPw@ch-1:9000\"}", "Ch4ngedPw"},
            {"amqp://guest:rabbitPw9@mq.internal:5672/", "rabbitPw9"}),
     .negatives = NEG("postgres://user:${DB_PASSWORD}@db:5432/app", "postgres://user:<password>@db/app",
                      "mysql://root:password@localhost/db", "postgres://user:****@db/app",
                      "postgres://db.internal:5432/app", "postgres://user@db:5432/app",
                      "https://user:Gq59Pb2P1JJeE5bz@example.org/", "redis://:$REDIS_PASSWORD@cache:6379")},

    /* PEM private keys, the whole BEGIN … END block (RFC 7468; OpenSSH uses the same armor). */
    {.rule = {"private-key", LS_CAT_SECRET, "Private key block (PEM/OpenSSH)"},
     .variants = {{"-----BEGIN ",
                   "-----BEGIN (?<t>(?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?)PRIVATE KEY-----"
                   "[A-Za-z0-9+/=\\s:,.\\\\()-]{64,16300}?-----END \\k<t>PRIVATE KEY-----",
                   11, 16400, NULL}},
     .validate = ls_v_private_key,
     .examples = EX({"loaded signing key:\n" PEM_RSA "\n# end", PEM_RSA}, {PEM_PLAIN, PEM_PLAIN},
                    {"key=" PEM_OPENSSH, PEM_OPENSSH}, {"{\"key\":\"" PEM_JSON "\"}", PEM_JSON}),
     .negatives = NEG("-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----",
                      "-----BEGIN RSA PRIVATE KEY-----\n" PEM_BODY "-----END EC PRIVATE KEY-----",
                      "-----BEGIN PUBLIC KEY-----\n" PEM_BODY "-----END PUBLIC KEY-----",
                      "-----BEGIN RSA PRIVATE KEY-----\nxxxx" PEM_BODY "-----END RSA PRIVATE KEY-----")},

    /* Generic assignments: a credential-naming key, = or : on the same line, then a value of 7 to 256
     * bytes. The validator (generic_value.c) drops references to the environment or a template,
     * code, routes, ARNs, package coordinates, file names, names of secrets, elided documentation
     * tokens and placeholders; short values need three character classes, values of 12 bytes and
     * more 3.5 bits of entropy per byte, and hashes, UUIDs, numbers and identifiers are rejected. */
    {.rule = {"generic-password-assignment", LS_CAT_SECRET, "Password or secret assigned to a credential-named key"},
     .prio = 5,
     .variants = {{GEN_PF,
                   "(?i)" GEN_KEYS "[A-Za-z0-9_.-]{0,20}\\\\?[\"']?[ \\t]{0,3}(?::=|=>?|:)[ \\t]{0,3}"
                   "(?|\\\\?\"(?<v>[^\"\\\\\\s]{7,256})\\\\?\"|'(?<v>[^'\\s\\\\]{7,256})'|(?<v>" GEN_BARE
                   "{7,256})(?!" GEN_BARE "))",
                   8, 330, ls_q_generic_assign}},
     .validate = ls_v_generic_password,
     .examples = EX({"DB_PASSWORD=GEgRxNEV2iLjQNhPC0pI", "GEgRxNEV2iLjQNhPC0pI"},
                    {"{\"client_secret\": \"Q8%#PdOTxSXbD#NS!r7I\"}", "Q8%#PdOTxSXbD#NS!r7I"},
                    {"apiKey: 'Tz9fK2wQ8rLm4Xp7'", "Tz9fK2wQ8rLm4Xp7"},
                    {"{\\\"password\\\":\\\"Hx7!kq2Lz9Wm\\\"}", "Hx7!kq2Lz9Wm"},
                    {"access_token=Vb3NqX8wLr2TzK5mPf9h&expires=3600", "Vb3NqX8wLr2TzK5mPf9h"},
                    {"password = \"Tr0ub4dor&3\"", "Tr0ub4dor&3"}, {"DB_PASS=hunter2xyz!\n", "hunter2xyz!"},
                    {"{\"password\": \"s3cr3t-Pa55\"}", "s3cr3t-Pa55"},
                    {"db:\n  user: app\n  password: q8#Lm2!vZ\n", "q8#Lm2!vZ"}, {"Password=Xy9!abc;", "Xy9!abc"},
                    {"export MYSQL_PWD='Zq7$mK2#pL'", "Zq7$mK2#pL"},
                    {"spring.datasource.password=Wq7.Lp2xNe9K", "Wq7.Lp2xNe9K"}),
     .negatives = NEG(
         /* environment and template references */
         "password = process.env.DB_PASSWORD", "const pass = env.DB_PASSWORD;",
         "password = os.environ[\"DB_PASSWORD\"]", "password = os.environ.get(\"DB_PASSWORD\")",
         "password=$DB_PASSWORD", "password: ${DB_PASSWORD}", "password: \"${DB_PASSWORD:-Xk9vQ2mZ}\"",
         "password: \"{{ .Values.dbPassword }}\"", "password: \"{{db_password}}\"", "password = \"%(db_password)s\"",
         "password = \"#{db_password}\"", "password: <%= ENV['DB_PASSWORD'] %>", "password=\"<%=db_pass%>\"",
         "api_key = config.get_api_key()", "password = self.password_value", "password: env.DB_PASS_V2_RW",
         "pwd = cfg.Vault.Db2.RwUser",
         /* an empty assignment does not take the next line */
         "DB_PASSWORD=\nREDIS_HOST=cache-7Xk2.internal\n", "password:\n  Kq8#Lm2!vZ9x: value\n",
         /* routes, URLs, ARNs, package coordinates, file names */
         "token_url: /api/v1/oauth2/token", "passwordResetRoute: \"users/:id/password/reset\"",
         "token_route: \"api/v3/tokens/:token_id/revoke\"",
         "token_endpoint = auth/realms/mycorp/protocol/openid-connect/token",
         "token_endpoint: https://auth.internal/oauth/token",
         "secret_arn: arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf",
         "jwt_token_lib = \"io.jsonwebtoken:jjwt-api:0.11.5\"", "token_lib: jsonwebtoken@9.0.2",
         "secret_file: db_password.txt", "tokenFile: Token2024.json", "ssl_pass_file: Prod2024-Cert.p12",
         "password_file=/run/secrets/db_password",
         /* names of secrets */
         "password_field = \"password\"", "PASSWORD_KEY = \"db_password\"", "token_header = \"X-Auth-Token\"",
         "api_key_header: \"X-Api-Key-Version2\"", "password_env: DB2_PASSWORD_RW",
         "secretName: my-app-secret-name-prod", "\"passwordKey\": \"DB_PASSWORD\"",
         /* elided documentation tokens */
         "api_key: sk-proj-Xk29fLm\xe2\x80\xa6", "token = \"ghp_9fK2wQ8rLm...\"", "token = \"abcd1234xxxx\"",
         "api_key=sk-****************",
         /* placeholders */
         "password=changeme", "password=changeme123456", "password: <password>", "api_key: your-api-key",
         "password = \"YOUR_PASSWORD_HERE\"", "api_key = \"example-key-1234\"", "password = \"dummy\"",
         "password: test", "secret: secret", "api_key=your_api_key_here", "password = \"<your-password>\"",
         "password=dummy-password-123", "password: ${DB_PASSWORD}",
         /* values that are not secrets */
         "token_count: 1234567890123", "secret_hash=5f4dcc3b5aa765d61d8327deb882cf99",
         "token: 2f1c2b6e-8a5d-4c3e-9b7f-1a2b3c4d5e6f", "token_url: https://auth.internal/oauth/token",
         "secret=aaaaaaaaaaaaaaaa", "password: short", "tokenProvider: getAccessTokenFromVault",
         "sha_token=da39a3ee5e6b4b0d3255bfef95601890afd80709", "password = getPassword()", "password: Optional[str]",
         "passport_number: P12345678x", "password = test1234", "bypass: compass_heading=NNW-270",
         "mode: bypass=Kx9!mQ2#vL8", "secret: mode=Fast-Path-2024", "password=user_name=Kx9mQ2vL8x")},

    {.rule = {NULL, 0, NULL}},
};
