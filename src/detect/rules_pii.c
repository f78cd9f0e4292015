/* Personal data and chat rules: e-mail addresses, phone numbers (E.164 anywhere, national forms only
 * next to a phone-ish word), and chat transcripts (role/content and prompt/completion JSON). */
#include "detect/rules.h"
#include "detect/validators.h"

#define EX(...) ((const struct ls_rule_example[]){__VA_ARGS__, {NULL, NULL}})
#define NEG(...) ((const char *const[]){__VA_ARGS__, NULL})

/* Words that say a phone number follows (phone, tel., mobile, sms, fax, contact, …). */
#define PHONE_CTX                                                                                                      \
    "(?i:(?<![A-Za-z])(?:tel(?:ephone)?|phones?|mobile|cell(?:phone)?|sms|fax|whatsapp|contact)"                       \
    "(?:[_ -]?(?:no|num|number|nr)s?)?(?![A-Za-z]))"
/* National forms: NANP (415) 555-0123 / 415-555-0123 / 415.555.0123, UK 07911 123456 /
 * 020 7946 0958. */
#define PHONE_NATIONAL                                                                                                 \
    "(?<v>\\(\\d{3}\\)\\s?\\d{3}[ .-]\\d{4}|\\d{3}(?<s>[ .-])\\d{3}\\k<s>\\d{4}|0\\d{4}\\s?\\d{6}"                     \
    "|0\\d{2,3}[ -]\\d{3,4}[ -]\\d{4})(?![0-9])"

/* E.164: +, a country code not starting with 0, 8-15 digits in all, plain or in groups. */
#define PHONE_E164                                                                                                     \
    "(?:(?<=\\\\[nrt])|(?<![A-Za-z0-9+.\\\\]))\\+[1-9]"                                                                \
    "(?:\\d{7,14}|\\d{0,2}[ .-]\\(?\\d{1,4}\\)?(?:[ .-]\\d{2,8}){1,4})(?![0-9]|[ .-]\\d)"

#define CARD_IIN "(?:4\\d{3}|5[1-5]\\d{2}|2[2-7]\\d{2}|6011|65\\d{2}|3[47]\\d{2})"

#define CARD_CTX                                                                                                       \
    "(?i:(?<![A-Za-z])(?:(?:card|visa|mastercard|amex|credit|payment)(?:[_ -]?(?:no|num|number|nr))?"                  \
    "|cc[_ -]?(?:no|num|number))(?![A-Za-z]))"

#define CHAT_ROLES "(?:user|assistant|system|tool|developer)"
/* A JSON string body (escape-aware) and the same one level deeper (inside an escaped string). */
#define JSTR "[^\"\\\\]*+(?:\\\\[\\s\\S][^\"\\\\]*+)*+"
#define JSTR_ESC "(?:[^\\\\]++|\\\\\\\\|\\\\[^\"\\\\])*+"

const struct ls_rule_def ls_rules_pii[] = {
    /* E-mail addresses (RFC 5322 addr-spec, the common subset); reserved example domains
     * (RFC 2606), file names such as icon@2x.png and URL userinfo are rejected. */
    {.rule = {"email", LS_CAT_PII, "E-mail address"},
     .prio = 6,
     .variants =
         {{"@",
           "(?:(?<=\\\\[nrt])|(?<![A-Za-z0-9._%+\\\\-]))[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@"
           "(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.){1,8}[A-Za-z]{2,24}(?![A-Za-z0-9-]|\\.[A-Za-z0-9])",
           65, 340, ls_q_email}},
     .validate = ls_v_email,
     .examples = EX({"password reset link sent to maria.garcia@gmail.com", "maria.garcia@gmail.com"},
                    {"Wei <wchen@proton.me>", "wchen@proton.me"},
                    {"{\"text\":\"hi\\nolga_ivanova1987@mail.ru\"}", "olga_ivanova1987@mail.ru"},
                    {"to=j.o+tag@sub.corp-mail.co.uk.", "j.o+tag@sub.corp-mail.co.uk"}),
     .negatives =
         NEG("john@example.com", "jane@mail.example.org", "icon@2x.png", "logo@3x.webp",
             "git@github.com:acme/infra.git", "postgres://svc:pw@db-internal.prod.net/app", "lodash@4.17.21",
             "root@db-1.svc.cluster.local", "user@localhost", "ubuntu@ip-10-0-0-5.ec2.internal", "noreply@github.com")},

    /* Phone numbers: E.164 (+ country code not starting with 0, 8-15 digits; ITU-T E.164), and
     * NANP/UK national forms only right after a phone-ish word. */
    {.rule = {"phone", LS_CAT_PII, "Phone number (E.164, or national form with context)"},
     .prio = 7,
     .variants = {{"\\+", PHONE_E164, 1, 40, ls_q_plus_digit},
                  {"(?i)(?:phone|mobile|whatsapp|contact)", PHONE_CTX "[^\\r\\n\\d(]{0,40}?" PHONE_NATIONAL, 10, 120,
                   ls_q_phone_word},
                  {/* short words go to the short pass (shortscan.h); they occur inside other words all
                    * the time ("hotel ", "cancel", "Intel"): the byte before them must not be a letter,
                    * as the confirmation demands anyway. "cel" stands for cell(phone). */
                   "(?i)(?<![A-Za-z])(?:tel|cel|sms|fax)", PHONE_CTX "[^\\r\\n\\d(]{0,40}?" PHONE_NATIONAL, 10, 120,
                   ls_q_digits10}},
     .validate = ls_v_phone,
     .examples = EX({"sms verification code sent to +14155550123", "+14155550123"},
                    {"call me: +44 7911 123456 after 5pm", "+44 7911 123456"},
                    {"tel: (415) 555-0123", "(415) 555-0123"}, {"phone_number=415-555-0123", "415-555-0123"},
                    {"sms verification code sent to 07911 123456", "07911 123456"},
                    {"Contact: 020 7946 0958", "020 7946 0958"}),
     .negatives =
         NEG("2024-01-15T10:30:00+01:00", "build 1.2.3+20240115", "order 415-555-0123 shipped",
             "ts=1736121600123 span=4155550123", "+0012345678", "version 10.0.19045.3803", "phone: 123-456-7890",
             "latency +12ms", "hotel 415-555-0123", "+1234567890123456789", "+1 (0) 0", "tel: 1111111111")},

    /* Chat transcripts as LLM APIs log them: {"role": "user|assistant|system|tool", "content": …}
     * in either key order, the same inside an escaped JSON string, and prompt/completion pairs.
     * The value is the message text. */
    {.rule = {"chat-message", LS_CAT_CHAT, "Chat message (role/content or prompt/completion JSON)"},
     .prio = 0,
     .no_global_rejects = true,
     .variants =
         {{"\"role\"",
           "\"role\"\\s*:\\s*\"" CHAT_ROLES "\"[^{}]{0,400}?\"content\"\\s*:\\s*(?:\"(?<v>" JSTR ")\"|\\[|null)", 6,
           1 << 20, NULL},
          {"\"content\"", "\"content\"\\s*:\\s*\"(?<v>" JSTR ")\"[^{}]{0,400}?\"role\"\\s*:\\s*\"" CHAT_ROLES "\"", 9,
           1 << 20, NULL},
          {"\\\\\"role\\\\\"",
           "\\\\\"role\\\\\"\\s*:\\s*\\\\\"" CHAT_ROLES "\\\\\"[^{}]{0,400}?\\\\\"content\\\\\"\\s*:\\s*"
           "(?:\\\\\"(?<v>" JSTR_ESC ")\\\\\"|\\[|null)",
           8, 1 << 20, NULL},
          {"\\\\\"content\\\\\"",
           "\\\\\"content\\\\\"\\s*:\\s*\\\\\"(?<v>" JSTR_ESC
           ")\\\\\"[^{}]{0,400}?\\\\\"role\\\\\"\\s*:\\s*\\\\\"" CHAT_ROLES "\\\\\"",
           11, 1 << 20, NULL},
          {"\"prompt\"", "\"prompt\"\\s*:\\s*\"(?<v>" JSTR ")\"[^{}]{0,400}?\"completion\"\\s*:", 8, 1 << 20, NULL}},
     .examples = EX({"{\"role\":\"user\",\"content\":\"can you check my config?\"}", "can you check my config?"},
                    {"{\"content\": \"Sure, here it is {x}\", \"role\": \"assistant\"}", "Sure, here it is {x}"},
                    {"{\"messages\":\"[{\\\"role\\\":\\\"system\\\",\\\"content\\\":\\\"be brief\\\"}]\"}", "be brief"},
                    {"{\"prompt\":\"translate: hallo\",\"completion\":\"hello\"}", "translate: hallo"},
                    {"{\"role\":\"tool\",\"name\":\"search\",\"content\":\"3 results\"}", "3 results"}),
     .negatives =
         NEG("{\"role\":\"admin\",\"content\":\"x\"}", "{\"role\":\"user\"}{\"content\":\"x\"}",
             "{\"content\":\"hello\"}", "role=user content=hello", "{\"role\":\"user\",\"meta\":{\"content\":\"x\"}}")},

    /* Payment card numbers: issuer prefixes (Visa 4, Mastercard 51-55/2221-2720, Amex 34/37,
     * Discover 6011/65) and the Luhn check (ISO/IEC 7812), only after a card-ish word: bare digit
     * runs are everywhere in logs, and a prefilter without a literal would cost most of the
     * matcher's speed. */
    {.rule = {"credit-card", LS_CAT_PII, "Payment card number after a card-ish word (Luhn-checked)"},
     .prio = 6,
     .variants = {{"(?i)(?:card|cc[_ -]?(?:no|num)|visa|amex|credit|payment)",
                   CARD_CTX "[^\\r\\n\\d]{0,24}?(?<v>" CARD_IIN
                            "(?:(?<s>[ -])\\d{4}\\k<s>\\d{4}\\k<s>\\d{4}|(?<t>[ -])\\d{6}\\k<t>\\d{5}|\\d{11,12}))"
                            "(?![0-9]|[ -]\\d|[.,]\\d)",
                   12, 90, ls_q_digits13}},
     .validate = ls_v_card,
     .examples = EX(
         {"card 4193 4514 5061 2316 exp 04/27", "4193 4514 5061 2316"},
         {"cc_number=5300772837832666", "5300772837832666"}, {"paid with amex 3716-630494-03260", "3716-630494-03260"},
         {"{\"card\":\"6011-9910-2374-0958\"}", "6011-9910-2374-0958"}, {"Visa: 2221461113930955", "2221461113930955"}),
     .negatives = NEG("card 4193 4514 5061 2317", "id=4193451450612316", "card 4193-4514 5061-2316",
                      "card ts 1736121600123456", "card 4193 4514 5061 2316 7", "card 1234 5678 9012 3456",
                      "card 4444 4444 4444 4444", "4193 4514 5061 2316", "discard 4193451450612316")},

    /* IBANs: country code, two check digits, BBAN of the country's length; ISO 13616 mod-97 check
     * (lengths from the SWIFT IBAN registry); only after an account-ish word, for the same reason
     * as card numbers. */
    {.rule = {"iban", LS_CAT_PII, "IBAN after an account-ish word (mod-97 checked)"},
     .prio = 6,
     .variants = {{"(?i)(?:iban|bank|account|acct|konto|rekening|cuenta|compte|conto)",
                   "(?i:(?<![A-Za-z])(?:iban|bank|account|acct|konto|rekening|cuenta|compte|conto))[^\\r\\n]{0,32}?"
                   "(?<![A-Za-z0-9])(?<v>[A-Z]{2}\\d{2}(?:[A-Z0-9]{11,30}|(?: [A-Z0-9]{4}){2,7}(?: [A-Z0-9]{1,3})?))"
                   "(?![A-Za-z0-9]| [A-Z0-9])",
                   10, 90, ls_q_digits8}},
     .validate = ls_v_iban,
     .examples = EX({"iban=DE85597297926224393328", "DE85597297926224393328"},
                    {"bank account: GB20 NWBK 3679 1601 1084 36 today", "GB20 NWBK 3679 1601 1084 36"},
                    {"{\"iban\":\"FR2946974821237899143301467\"}", "FR2946974821237899143301467"}),
     .negatives = NEG("iban=DE85597297926224393329", "iban XX85597297926224393328", "iban DE8559729792622439332",
                      "account AB12CDEFGHIJKLMNOP", "iban GB20 NWBK 3679 1601 1084 37", "DE85597297926224393328")},

    {.rule = {NULL, 0, NULL}},
};
