/* AI-provider, payment and mail/SMS credential rules (DeepSeek, Groq, Replicate, Perplexity, xAI,
 * Cohere, Mistral, Square, Braintree, Shopify, Mailgun, Mailchimp, Twilio, Brevo, …): formats from
 * each vendor's documentation, cited per rule. Context rules (no vendor prefix) need the vendor's
 * setting name right before the value. Example values are random fakes. */
#include "detect/rules.h"
#include "detect/validators.h"

#define EX(...) ((const struct ls_rule_example[]){__VA_ARGS__, {NULL, NULL}})
#define NEG(...) ((const char *const[]){__VA_ARGS__, NULL})

const struct ls_rule_def ls_rules_ai[] = {
    /* Keys are sent as Authorization: Bearer sk-…; issued keys are sk- + 32 lowercase hex. api-docs.deepseek.com */
    {.rule = {"deepseek-api-key", LS_CAT_SECRET, "DeepSeek API key (sk- + 32 hex)"},
     .variants = {{"sk-[a-f0-9]{32}", LS_LB_TOKEN "sk-[a-f0-9]{32}" LS_LA_TOKEN, 35, 35, NULL}},
     .min_entropy = 3.2,
     .examples = EX({"key: sk-ff057e3e27ff7e2d4d54ea6b05b3eaa2\n", "sk-ff057e3e27ff7e2d4d54ea6b05b3eaa2"},
                    {"export TOKEN=\"sk-c0d370928f51f0ee6e4ca214de3bf02e\"\n", "sk-c0d370928f51f0ee6e4ca214de3bf02e"},
                    {"{\"credential\":\"sk-84fc2bdabc0040a7ad6b6a189470427f\",\"ok\":true}",
                     "sk-84fc2bdabc0040a7ad6b6a189470427f"}),
     .negatives = NEG("sk-3ccd8e7f85be70948c6897f7bde0f71", "sk-b1aaa7f6911b2db83365f1974dab120d8",
                      "task-6a6608d54f02fb5d167994017e1294b6", "sk-ff057e3e27ff7e2d4d54")},

    /* API keys: gsk_ + 52 characters. console.groq.com/docs/api-keys */
    {.rule = {"groq-api-key", LS_CAT_SECRET, "Groq API key (gsk_)"},
     .variants = {{"gsk_", LS_LB_TOKEN "gsk_[A-Za-z0-9]{52}" LS_LA_TOKEN, 4, 56, NULL}},
     .min_entropy = 3.5,
     .examples = EX({"key: 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\n",
                     "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"},
                    {"export TOKEN=\"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\"\n",
                     "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"},
                    {"{\"credential\":\"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\",\"ok\":true}",
                     "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"}),
     .negatives = NEG("gsk_kbtlrBbz")},

    /* API tokens: r8_ + 37 characters. replicate.com/docs/reference/http#authentication */
    {.rule = {"replicate-api-token", LS_CAT_SECRET, "Replicate API token (r8_)"},
     .variants = {{"r8_[A-Za-z0-9]{37}", LS_LB_TOKEN "r8_[A-Za-z0-9]{37}" LS_LA_TOKEN, 40, 40, NULL}},
     .min_entropy = 3.5,
     .examples =
         EX({"key: r8_B78oGKaKL4QH2JexkiYVWs3NYNbMbqSG7pbFH\n", "r8_B78oGKaKL4QH2JexkiYVWs3NYNbMbqSG7pbFH"},
            {"export TOKEN=\"r8_w8e8CWpw7du5EhBD3N8docCOR6Kn9L1rAZ1fm\"\n", "r8_w8e8CWpw7du5EhBD3N8docCOR6Kn9L1rAZ1fm"},
            {"{\"credential\":\"r8_Sodd2twi1fXz4O8tKvNZHUIrf9ORSdDRlpZ8d\",\"ok\":true}",
             "r8_Sodd2twi1fXz4O8tKvNZHUIrf9ORSdDRlpZ8d"}),
     .negatives = NEG("r8_B78oGKaKL4QH2JexkiYVWs3")},

    /* API keys: pplx- + 48 characters. docs.perplexity.ai/guides/getting-started */
    {.rule = {"perplexity-api-key", LS_CAT_SECRET, "Perplexity API key (pplx-)"},
     .variants = {{"pplx-", LS_LB_TOKEN "pplx-[A-Za-z0-9]{48}" LS_LA_TOKEN, 5, 53, NULL}},
     .min_entropy = 3.5,
     .examples = EX({"key: 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\n",
                     "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"},
                    {"export TOKEN=\"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\"\n",
                     "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"},
                    {"{\"credential\":\"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\",\"ok\":true}",
                     "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"}),
     .negatives = NEG("pplx-V3f8uRVi")},

    /* API keys: xai- + 80 characters. docs.x.ai/docs/overview */
    {.rule = {"xai-api-key", LS_CAT_SECRET, "xAI API key (xai-)"},
     .variants = {{"xai-", LS_LB_TOKEN "xai-[A-Za-z0-9]{80}" LS_LA_TOKEN, 4, 84, NULL}},
     .min_entropy = 3.5,
     .examples =
         EX({"key: xai-ReXyza4Qzc89Xezd12bp6c6jIWFTN0Fh5N315KLvGEkZkELeMmpL83ir35JMYBIuoAwKcNP7BaNI7oIi\n",
             "xai-ReXyza4Qzc89Xezd12bp6c6jIWFTN0Fh5N315KLvGEkZkELeMmpL83ir35JMYBIuoAwKcNP7BaNI7oIi"},
            {"export TOKEN=\"xai-zcXThfVApPPkJTm4HRQ50qG6vBHRhDnkzyv0Z4astkOWVCVGJyRretukVyt1uV3kPM1C2Cptqf5G1qxx\"\n",
             "xai-zcXThfVApPPkJTm4HRQ50qG6vBHRhDnkzyv0Z4astkOWVCVGJyRretukVyt1uV3kPM1C2Cptqf5G1qxx"},
            {"{\"credential\":\"xai-WcPrUpXp0koMxbjRzdZPgQJJRuU1ftRK8vJGLkDPKsqQkNcfBLf9O885Y4ZhmBhGdkTZXt6M2t8VFBCr\","
             "\"ok\":true}",
             "xai-WcPrUpXp0koMxbjRzdZPgQJJRuU1ftRK8vJGLkDPKsqQkNcfBLf9O885Y4ZhmBhGdkTZXt6M2t8VFBCr"}),
     .negatives = NEG("xai-ReXyza4Q")},

    /* API keys: sk-or-v1- + 64 hex. openrouter.ai/docs/api-reference/authentication */
    {.rule = {"openrouter-api-key", LS_CAT_SECRET, "OpenRouter API key (sk-or-v1-)"},
     .variants = {{"sk-or-v1-", LS_LB_TOKEN "sk-or-v1-[a-f0-9]{64}" LS_LA_TOKEN, 9, 73, NULL}},
     .min_entropy = 3.0,
     .examples = EX(
         {"key: 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\n",
          "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"},
         {"export TOKEN=\"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\"\n",
          "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"},
         {"{\"credential\":\"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\",\"ok\":true}",
          "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"}),
     .negatives = NEG("sk-or-v1-634384bd")},

    /* Organization API tokens: api_org_ + 34 letters. huggingface.co/docs/hub/security-tokens */
    {.rule = {"huggingface-org-token", LS_CAT_SECRET, "Hugging Face organization token (api_org_)"},
     .variants = {{"api_org_", LS_LB_TOKEN "api_org_[A-Za-z]{34}" LS_LA_TOKEN, 8, 42, NULL}},
     .min_entropy = 3.5,
     .examples = EX({"key: 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\n", "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"},
                    {"export TOKEN=\"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\"\n",
                     "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"},
                    {"{\"credential\":\"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\",\"ok\":true}",
                     "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"}),
     .negatives = NEG("api_org_iUbeAEjN")},

    /* API keys (xi-api-key header): sk_ + 48 hex. elevenlabs.io/docs/api-reference/authentication */
    {.rule = {"elevenlabs-api-key", LS_CAT_SECRET, "ElevenLabs API key (sk_ + 48 hex)"},
     .variants = {{"sk_[a-f0-9]{48}", LS_LB_TOKEN "sk_[a-f0-9]{48}" LS_LA_TOKEN, 51, 51, NULL}},
     .min_entropy = 3.0,
     .examples = EX({"key: sk_3b1a4b4b2444e9bd2f55cea5b1bf2616824f34977d0b374d\n",
                     "sk_3b1a4b4b2444e9bd2f55cea5b1bf2616824f34977d0b374d"},
                    {"export TOKEN=\"sk_54049a9dc5948a54060b0e94b9bdbcc112fc9aeff4f77ba8\"\n",
                     "sk_54049a9dc5948a54060b0e94b9bdbcc112fc9aeff4f77ba8"},
                    {"{\"credential\":\"sk_97a06a7591201a32e314c63ce0f988811782764f694aab14\",\"ok\":true}",
                     "sk_97a06a7591201a32e314c63ce0f988811782764f694aab14"}),
     .negatives = NEG("sk_3b1a4b4b2444e9bd2f55cea5b1bf261")},

    /* Personal tokens lsv2_pt_, service keys lsv2_sk_: 32 hex _ 10 hex.
     * docs.smith.langchain.com/administration/how_to_guides/organization_management/create_account_api_key */
    {.rule = {"langsmith-api-key", LS_CAT_SECRET, "LangSmith API key (lsv2_pt_/lsv2_sk_)"},
     .variants = {{"lsv2_(?:pt|sk)_", LS_LB_TOKEN "lsv2_(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10}" LS_LA_TOKEN, 8, 51, NULL}},
     .min_entropy = 3.0,
     .examples = EX({"key: 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\n",
                     "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"},
                    {"export TOKEN=\"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\"\n",
                     "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"},
                    {"{\"credential\":\"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\",\"ok\":true}",
                     "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"}),
     .negatives = NEG("lsv2_pt_8a2647fb")},

    /* Secret keys: sk-lf- + UUID. langfuse.com/docs/get-started */
    {.rule = {"langfuse-secret-key", LS_CAT_SECRET, "Langfuse secret key (sk-lf-)"},
     .variants = {{"sk-lf-",
                   LS_LB_TOKEN "sk-lf-[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}" LS_LA_TOKEN, 6, 42,
                   NULL}},
     .min_entropy = 3.0,
     .examples = EX({"key: sk-lf-062b0c91-c5bc-d61b-02c9-848a5727ae76\n", "sk-lf-062b0c91-c5bc-d61b-02c9-848a5727ae76"},
                    {"export TOKEN=\"sk-lf-c9788d94-ce6c-2f0b-bf31-76742ec39d59\"\n",
                     "sk-lf-c9788d94-ce6c-2f0b-bf31-76742ec39d59"},
                    {"{\"credential\":\"sk-lf-3de18205-52f3-3449-4a62-c2ec45ce02d5\",\"ok\":true}",
                     "sk-lf-3de18205-52f3-3449-4a62-c2ec45ce02d5"}),
     .negatives = NEG("sk-lf-062b0c91")},

    /* API keys: nvapi- + 64 characters. docs.api.nvidia.com/nim/docs/api-quickstart */
    {.rule = {"nvidia-api-key", LS_CAT_SECRET, "NVIDIA API catalog key (nvapi-)"},
     .variants = {{"nvapi-", LS_LB_TOKEN "nvapi-[A-Za-z0-9_-]{64}" LS_LA_TOKEN, 6, 70, NULL}},
     .min_entropy = 3.5,
     .examples =
         EX({"key: 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\n",
             "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"},
            {"export TOKEN=\"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\"\n",
             "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"},
            {"{\"credential\":\"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\",\"ok\":true}",
             "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"}),
     .negatives = NEG("nvapi-VFcly8ov")},

    /* API keys start with pcsk_. docs.pinecone.io/guides/projects/manage-api-keys */
    {.rule = {"pinecone-api-key", LS_CAT_SECRET, "Pinecone API key (pcsk_)"},
     .variants = {{"pcsk_", LS_LB_TOKEN "pcsk_[A-Za-z0-9_]{60,90}" LS_LA_TOKEN, 5, 95, NULL}},
     .min_entropy = 3.5,
     .examples = EX({"key: pcsk_torwV_maAUIUWiY8VTPxmvD9EQcKkPZ1dpf17tpJO75Pf2pymowbDaSzatl19cXEu6q4nl1\n",
                     "pcsk_torwV_maAUIUWiY8VTPxmvD9EQcKkPZ1dpf17tpJO75Pf2pymowbDaSzatl19cXEu6q4nl1"},
                    {"export TOKEN=\"pcsk_2tiIZ_lD08kKOVDdJ0IY4Pg9U9rgSjwynE78a3ro0k6U7GTQ1DVDWuRP0dYm7Isz8Vf8gGN\"\n",
                     "pcsk_2tiIZ_lD08kKOVDdJ0IY4Pg9U9rgSjwynE78a3ro0k6U7GTQ1DVDWuRP0dYm7Isz8Vf8gGN"},
                    {"{\"credential\":\"pcsk_ZVbKm_kGPr8bj4TwdZLBSe8myLHkMMo7b58EjTe94X1x0lurBFOpqw5NcP5ryGCe9JMFYJW\","
                     "\"ok\":true}",
                     "pcsk_ZVbKm_kGPr8bj4TwdZLBSe8myLHkMMo7b58EjTe94X1x0lurBFOpqw5NcP5ryGCe9JMFYJW"}),
     .negatives = NEG("pcsk_torwV_ma")},

    /* API keys start with fw_. docs.fireworks.ai/api-reference/introduction */
    {.rule = {"fireworks-api-key", LS_CAT_SECRET, "Fireworks AI API key (fw_)"},
     .variants = {{"fw_[A-Za-z0-9]{24}", LS_LB_TOKEN "fw_[A-Za-z0-9]{24}" LS_LA_TOKEN, 27, 27, NULL}},
     .min_entropy = 3.5,
     .examples = EX({"key: fw_d5MmqEXUaXeSco0JofF1JaHK\n", "fw_d5MmqEXUaXeSco0JofF1JaHK"},
                    {"export TOKEN=\"fw_xkBH9gOcCDAjaBmEGsXKL7eD\"\n", "fw_xkBH9gOcCDAjaBmEGsXKL7eD"},
                    {"{\"credential\":\"fw_6KEjlzVJKYIum7vH1McMnQyv\",\"ok\":true}", "fw_6KEjlzVJKYIum7vH1McMnQyv"}),
     .negatives = NEG("fw_d5MmqEXUaXeSco0")},

    /* Cohere keys are 40-character strings sent as Authorization: Bearer; no prefix, so only next to a
     * COHERE/CO_API_KEY setting. docs.cohere.com/reference/about */
    {.rule = {"cohere-api-key", LS_CAT_SECRET, "Cohere API key next to its setting name"},
     .variants = {{"(?i)co(?:here)?_?api_?key",
                   "(?i:co(?:here)?_?api_?key)[A-Za-z0-9_.-]{0,24}\\\\?[\"\\']?\\s{0,3}(?:=|:)\\s{0,3}\\\\?[\"\\']?(?<"
                   "v>[A-Za-z0-9]{40})(?![A-Za-z0-9])",
                   14, 120, ls_q_assign}},
     .min_entropy = 3.5,
     .examples =
         EX({"COHERE_API_KEY=UTSyAdTvJwVCR9YvpIEpblKyTCH2sZgE4UJzEKr4\n", "UTSyAdTvJwVCR9YvpIEpblKyTCH2sZgE4UJzEKr4"},
            {"{\"cohere_api_key\": \"tpDHpv3iWRHEEsB8JYBzJMITkIn5koknsOdjs4BU\"}",
             "tpDHpv3iWRHEEsB8JYBzJMITkIn5koknsOdjs4BU"}),
     .negatives = NEG("COHERE_API_KEY=hnxrcjVWZOnwoZKlBLttOf5P69fK0QIig8JYccA", "COHERE_API_KEY=<your-key>")},

    /* Mistral keys are 32-character strings without a prefix. docs.mistral.ai/api */
    {.rule = {"mistral-api-key", LS_CAT_SECRET, "Mistral AI API key next to its setting name"},
     .variants = {{"(?i)mistral_?api_?key",
                   "(?i:mistral_?api_?key)[A-Za-z0-9_.-]{0,24}\\\\?[\"\\']?\\s{0,3}(?:=|:)\\s{0,3}\\\\?[\"\\']?(?<v>[A-"
                   "Za-z0-9]{32})(?![A-Za-z0-9])",
                   15, 120, ls_q_assign}},
     .min_entropy = 3.5,
     .examples =
         EX({"MISTRAL_API_KEY=u7vVTTOEyIqrQ3LHMgJhvfb4i2m8eCIZ\n", "u7vVTTOEyIqrQ3LHMgJhvfb4i2m8eCIZ"},
            {"{\"mistral_api_key\": \"OBvHtFLZaduz3qkkpiglO1qZxVpL3IpV\"}", "OBvHtFLZaduz3qkkpiglO1qZxVpL3IpV"}),
     .negatives = NEG("MISTRAL_API_KEY=R07TJsDh0jUKEzEVOKBlBN6yV7utXU5")},

    /* W&B API keys are 40 hex (WANDB_API_KEY). docs.wandb.ai/guides/track/environment-variables */
    {.rule = {"wandb-api-key", LS_CAT_SECRET, "Weights & Biases API key next to its setting name"},
     .variants = {{"(?i)wandb_?api_?key",
                   "(?i:wandb_?api_?key)[A-Za-z0-9_.-]{0,24}\\\\?[\"\\']?\\s{0,3}(?:=|:)\\s{0,3}\\\\?[\"\\']?(?<v>[a-"
                   "f0-9]{40})(?![A-Za-z0-9])",
                   13, 120, ls_q_assign}},
     .min_entropy = 3.0,
     .examples =
         EX({"WANDB_API_KEY=c64224e0e37a4657d184150d9315d45072a93435\n", "c64224e0e37a4657d184150d9315d45072a93435"},
            {"{\"wandb_api_key\": \"751b832a538c9fbaffe36985b59c39b21a473fe9\"}",
             "751b832a538c9fbaffe36985b59c39b21a473fe9"}),
     .negatives = NEG("WANDB_API_KEY=b4c76eaff3f485523d91004d47fbf65c746d8ed")},

    /* Azure OpenAI resource keys are 32 hex (api-key header). learn.microsoft.com/azure/ai-
     * services/openai/reference */
    {.rule = {"azure-openai-key", LS_CAT_SECRET, "Azure OpenAI key next to its setting name"},
     .variants = {{"(?i)azure_?openai_?(?:api_?)?key",
                   "(?i:azure_?openai_?(?:api_?)?key)[A-Za-z0-9_.-]{0,24}\\\\?[\"\\']?\\s{0,3}(?:=|:)\\s{0,3}\\\\?["
                   "\"\\']?(?<v>[a-f0-9]{32})(?![A-Za-z0-9])",
                   20, 120, ls_q_assign}},
     .min_entropy = 3.0,
     .examples =
         EX({"AZURE_OPENAI_API_KEY=d970f88201f20a833d037e564c2124f4\n", "d970f88201f20a833d037e564c2124f4"},
            {"{\"azure_openai_api_key\": \"953c3c0274f014136ac77bf83a78b21c\"}", "953c3c0274f014136ac77bf83a78b21c"}),
     .negatives = NEG("AZURE_OPENAI_API_KEY=2aee09d8891d7e0a5c668859c76bb3a")},

    /* Endpoint secrets start with whsec_. docs.stripe.com/webhooks#verify-events */
    {.rule = {"stripe-webhook-secret", LS_CAT_SECRET, "Stripe webhook signing secret (whsec_)"},
     .variants = {{"whsec_", LS_LB_TOKEN "whsec_[A-Za-z0-9]{32,64}" LS_LA_TOKEN, 6, 70, NULL}},
     .min_entropy = 3.5,
     .examples =
         EX({"key: whsec_Z2AqgmemiOI9pxXExSBWlZyawvaUaGDk\n", "whsec_Z2AqgmemiOI9pxXExSBWlZyawvaUaGDk"},
            {"export TOKEN=\"whsec_EoiRrOogzLDYc8U7fZRKK1HkfHJOVh2F\"\n", "whsec_EoiRrOogzLDYc8U7fZRKK1HkfHJOVh2F"},
            {"{\"credential\":\"whsec_hqqI0DJjBtFJyU1oCL9ClhjtAn6sMBWo\",\"ok\":true}",
             "whsec_hqqI0DJjBtFJyU1oCL9ClhjtAn6sMBWo"}),
     .negatives = NEG("whsec_Z2Aqgmem")},

    /* Production access tokens: EAAA + 60 characters. developer.squareup.com/docs/build-basics/access-tokens */
    {.rule = {"square-access-token", LS_CAT_SECRET, "Square access token (EAAA)"},
     .variants = {{"EAAA", LS_LB_TOKEN "EAAA[A-Za-z0-9_-]{60}" LS_LA_TOKEN, 4, 64, NULL}},
     .min_entropy = 3.5,
     .examples =
         EX({"key: EAAAO9SApKJhmm44HSGyXH5lXXLDBkTymv-ZRgeQ1xMi85GsvAt9Y7jywo_jvTv0\n",
             "EAAAO9SApKJhmm44HSGyXH5lXXLDBkTymv-ZRgeQ1xMi85GsvAt9Y7jywo_jvTv0"},
            {"export TOKEN=\"EAAAHBvFge2wokby6rSocj9MkZYSRN228Vh_JuWafByGMC1ES5t8-KtNdACO_nmA\"\n",
             "EAAAHBvFge2wokby6rSocj9MkZYSRN228Vh_JuWafByGMC1ES5t8-KtNdACO_nmA"},
            {"{\"credential\":\"EAAASKo1BO6q1okmhLpff8poOZTirn0Q1Qf7OYskktsixKXEN-tPyYl6n8w9AaDk\",\"ok\":true}",
             "EAAASKo1BO6q1okmhLpff8poOZTirn0Q1Qf7OYskktsixKXEN-tPyYl6n8w9AaDk"}),
     .negatives = NEG("EAAAO9SApKJh")},

    /* Legacy OAuth access tokens: sq0atp- + 22 characters. developer.squareup.com/docs/oauth-api/overview */
    {.rule = {"square-legacy-token", LS_CAT_SECRET, "Square legacy access token (sq0atp-)"},
     .variants = {{"sq0atp-", LS_LB_TOKEN "sq0atp-[A-Za-z0-9_-]{22}" LS_LA_TOKEN, 7, 29, NULL}},
     .min_entropy = 3.5,
     .examples =
         EX({"key: sq0atp-qVzDpWXGUrdx3iBFHXORjv\n", "sq0atp-qVzDpWXGUrdx3iBFHXORjv"},
            {"export TOKEN=\"sq0atp-730dQaNrCLa6rDxjyWlaI7\"\n", "sq0atp-730dQaNrCLa6rDxjyWlaI7"},
            {"{\"credential\":\"sq0atp-vZYmrx09NOlTaYtmcdITXU\",\"ok\":true}", "sq0atp-vZYmrx09NOlTaYtmcdITXU"}),
     .negatives = NEG("sq0atp-qVzDpWXG")},

    /* Application secrets: sq0csp- + 43 characters. developer.squareup.com/docs/oauth-api/overview */
    {.rule = {"square-application-secret", LS_CAT_SECRET, "Square application secret (sq0csp-)"},
     .variants = {{"sq0csp-", LS_LB_TOKEN "sq0csp-[A-Za-z0-9_-]{43}" LS_LA_TOKEN, 7, 50, NULL}},
     .min_entropy = 3.5,
     .examples = EX({"key: sq0csp-nATvrfUCZ1vsYPSAMLC_GSMBQsYwN37vNIkz2CKTIkl\n",
                     "sq0csp-nATvrfUCZ1vsYPSAMLC_GSMBQsYwN37vNIkz2CKTIkl"},
                    {"export TOKEN=\"sq0csp-Fx8H96CS6QNFsn9eyzwuNYRoTW1BD0SbOqgQWsSQ_pR\"\n",
                     "sq0csp-Fx8H96CS6QNFsn9eyzwuNYRoTW1BD0SbOqgQWsSQ_pR"},
                    {"{\"credential\":\"sq0csp--hp0cMP758KBUn1vpOME_i9crWb347HCpKC2TsRqVRv\",\"ok\":true}",
                     "sq0csp--hp0cMP758KBUn1vpOME_i9crWb347HCpKC2TsRqVRv"}),
     .negatives = NEG("sq0csp-nATvrfUC")},

    /* Access tokens: access_token$production$<merchant id>$<32 hex>.
     * developer.paypal.com/braintree/docs/guides/authorization/overview */
    {.rule = {"braintree-access-token", LS_CAT_SECRET, "PayPal Braintree access token"},
     .variants = {{"access_token\\$production\\$",
                   LS_LB_TOKEN "access_token\\$production\\$[a-z0-9]{16}\\$[a-f0-9]{32}" LS_LA_TOKEN, 24, 72, NULL}},
     .min_entropy = 3.0,
     .examples = EX(
         {"key: access_token$production$n019fzcl08uj4qjl$293ddd46e7022428201623ea9d258d17\n",
          "access_token$production$n019fzcl08uj4qjl$293ddd46e7022428201623ea9d258d17"},
         {"export TOKEN=\"access_token$production$hfdtwav0bwkjmbes$8acb5a4bb7e17432eb059949563a0d12\"\n",
          "access_token$production$hfdtwav0bwkjmbes$8acb5a4bb7e17432eb059949563a0d12"},
         {"{\"credential\":\"access_token$production$divj5vqmrd0wp4at$3d70021cb66830ed8ab148c9741bef8a\",\"ok\":true}",
          "access_token$production$divj5vqmrd0wp4at$3d70021cb66830ed8ab148c9741bef8a"}),
     .negatives = NEG("access_token$production$n019fzcl")},

    /* Secret keys: FLWSECK- + 32 hex + -X. developer.flutterwave.com/docs/integration-guides/authentication */
    {.rule = {"flutterwave-secret-key", LS_CAT_SECRET, "Flutterwave secret key (FLWSECK-)"},
     .variants = {{"FLWSECK-", LS_LB_TOKEN "FLWSECK-[a-f0-9]{32}-X" LS_LA_TOKEN, 8, 42, NULL}},
     .min_entropy = 3.0,
     .examples = EX({"key: FLWSECK-9d9ebf669d626c5b0654007b8617089e-X\n", "FLWSECK-9d9ebf669d626c5b0654007b8617089e-X"},
                    {"export TOKEN=\"FLWSECK-a88bae33b3a2e853a4a8ee891230d21c-X\"\n",
                     "FLWSECK-a88bae33b3a2e853a4a8ee891230d21c-X"},
                    {"{\"credential\":\"FLWSECK-a03aa679454ed2a2b81e303562f299ba-X\",\"ok\":true}",
                     "FLWSECK-a03aa679454ed2a2b81e303562f299ba-X"}),
     .negatives = NEG("FLWSECK-9d9ebf66")},

    /* Access tokens: access-<environment>-<UUID>. plaid.com/docs/api/tokens */
    {.rule = {"plaid-access-token", LS_CAT_SECRET, "Plaid access token (access-production-)"},
     .variants =
         {{"access-(?:production|development)-",
           LS_LB_TOKEN
           "access-(?:production|development)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}" LS_LA_TOKEN,
           19, 54, NULL}},
     .min_entropy = 3.0,
     .examples = EX({"key: access-production-4f48e53a-3cc8-015f-e2c8-ef0be0635333\n",
                     "access-production-4f48e53a-3cc8-015f-e2c8-ef0be0635333"},
                    {"export TOKEN=\"access-production-43caf106-5948-3dba-a057-8228c15dca58\"\n",
                     "access-production-43caf106-5948-3dba-a057-8228c15dca58"},
                    {"{\"credential\":\"access-production-c3bafcab-57b8-f67d-347c-cb38cd182f84\",\"ok\":true}",
                     "access-production-c3bafcab-57b8-f67d-347c-cb38cd182f84"}),
     .negatives = NEG("access-production-4f48e53a-")},

    /* Token prefixes: shpat_ (admin), shpca_ (custom app), shppa_ (private app), shpss_ (shared secret) + 32 hex.
     * shopify.dev/docs/apps/build/authentication-authorization */
    {.rule = {"shopify-access-token", LS_CAT_SECRET, "Shopify Admin API access token (shpat_)"},
     .variants = {{"shpat_", LS_LB_TOKEN "shpat_[a-fA-F0-9]{32}" LS_LA_TOKEN, 6, 38, NULL}},
     .min_entropy = 3.0,
     .examples =
         EX({"key: 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\n", "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"},
            {"export TOKEN=\"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\"\n", "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"},
            {"{\"credential\":\"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\",\"ok\":true}",
             "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"}),
     .negatives = NEG("shpat_ec08bd77")},

    /* shopify.dev/docs/apps/build/authentication-authorization (shpca_ + 32 hex) */
    {.rule = {"shopify-custom-app-token", LS_CAT_SECRET, "Shopify custom app access token (shpca_)"},
     .variants = {{"shpca_", LS_LB_TOKEN "shpca_[a-fA-F0-9]{32}" LS_LA_TOKEN, 6, 38, NULL}},
     .min_entropy = 3.0,
     .examples =
         EX({"key: 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\n", "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"},
            {"export TOKEN=\"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\"\n", "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"},
            {"{\"credential\":\"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\",\"ok\":true}",
             "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"}),
     .negatives = NEG("shpca_63f45d74")},

    /* shopify.dev/docs/apps/build/authentication-authorization (shppa_ + 32 hex) */
    {.rule = {"shopify-private-app-token", LS_CAT_SECRET, "Shopify private app password (shppa_)"},
     .variants = {{"shppa_", LS_LB_TOKEN "shppa_[a-fA-F0-9]{32}" LS_LA_TOKEN, 6, 38, NULL}},
     .min_entropy = 3.0,
     .examples =
         EX({"key: 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\n", "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"},
            {"export TOKEN=\"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\"\n", "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"},
            {"{\"credential\":\"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\",\"ok\":true}",
             "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"}),
     .negatives = NEG("shppa_a6f00c77")},

    /* shopify.dev/docs/apps/build/authentication-authorization (shpss_ + 32 hex) */
    {.rule = {"shopify-shared-secret", LS_CAT_SECRET, "Shopify app shared secret (shpss_)"},
     .variants = {{"shpss_", LS_LB_TOKEN "shpss_[a-fA-F0-9]{32}" LS_LA_TOKEN, 6, 38, NULL}},
     .min_entropy = 3.0,
     .examples =
         EX({"key: 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\n", "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"},
            {"export TOKEN=\"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\"\n", "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"},
            {"{\"credential\":\"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\",\"ok\":true}",
             "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"}),
     .negatives = NEG("shpss_d1b3f5d5")},

    /* Access tokens: duffel_live_ / duffel_test_ + 43 characters. duffel.com/docs/api/overview/making-
     * requests/authentication */
    {.rule = {"duffel-live-token", LS_CAT_SECRET, "Duffel live access token (duffel_live_)"},
     .variants = {{"duffel_live_", LS_LB_TOKEN "duffel_live_[A-Za-z0-9_=-]{43}" LS_LA_TOKEN, 12, 55, NULL}},
     .min_entropy = 3.5,
     .examples = EX({"key: duffel_live_u5Xk88_GUxx4k0Dou7AMIMOi3Bxqg8vWYmLing0eHqg\n",
                     "duffel_live_u5Xk88_GUxx4k0Dou7AMIMOi3Bxqg8vWYmLing0eHqg"},
                    {"export TOKEN=\"duffel_live_uWhtKI1Oeq6X8iuEbH5QkeIsev8crPf7jPVNSp_QT2m\"\n",
                     "duffel_live_uWhtKI1Oeq6X8iuEbH5QkeIsev8crPf7jPVNSp_QT2m"},
                    {"{\"credential\":\"duffel_live_IPuzJdALjUzc5VWL9kAldhhX5r4D1oE6YfHaGrrtxk7\",\"ok\":true}",
                     "duffel_live_IPuzJdALjUzc5VWL9kAldhhX5r4D1oE6YfHaGrrtxk7"}),
     .negatives = NEG("duffel_live_u5Xk88_G")},

    /* API tokens: shippo_live_ + 40 hex. docs.goshippo.com/docs/guides_general/authentication */
    {.rule = {"shippo-live-token", LS_CAT_SECRET, "Shippo live API token (shippo_live_)"},
     .variants = {{"shippo_live_", LS_LB_TOKEN "shippo_live_[a-f0-9]{40}" LS_LA_TOKEN, 12, 52, NULL}},
     .min_entropy = 3.0,
     .examples = EX({"key: shippo_live_2598839b5d9cbaf8d56e70919b885c808b906228\n",
                     "shippo_live_2598839b5d9cbaf8d56e70919b885c808b906228"},
                    {"export TOKEN=\"shippo_live_47153b9dfeb84769ed34d90ff043e8d736f9adc1\"\n",
                     "shippo_live_47153b9dfeb84769ed34d90ff043e8d736f9adc1"},
                    {"{\"credential\":\"shippo_live_b0e7c7594c8ac676ea7677efa528285ccf91595f\",\"ok\":true}",
                     "shippo_live_b0e7c7594c8ac676ea7677efa528285ccf91595f"}),
     .negatives = NEG("shippo_live_2598839b")},

    /* Production keys start with EZAK, test keys with EZTK. docs.easypost.com/docs/authentication */
    {.rule = {"easypost-api-key", LS_CAT_SECRET, "EasyPost production API key (EZAK)"},
     .variants = {{"EZAK", LS_LB_TOKEN "EZAK[A-Za-z0-9]{54}" LS_LA_TOKEN, 4, 58, NULL}},
     .min_entropy = 3.5,
     .examples = EX({"key: EZAKJleFc8KRnIeBRsZkVLLP3K2tOqweDGXaNKh2ISl7hlS4FEObRTr2ri\n",
                     "EZAKJleFc8KRnIeBRsZkVLLP3K2tOqweDGXaNKh2ISl7hlS4FEObRTr2ri"},
                    {"export TOKEN=\"EZAKasYP5zm0QVFCXwMWS0KPNyUrNgj4DrRbKpL6ouqWGA1CCpFewZUJ1K\"\n",
                     "EZAKasYP5zm0QVFCXwMWS0KPNyUrNgj4DrRbKpL6ouqWGA1CCpFewZUJ1K"},
                    {"{\"credential\":\"EZAKhUir4UoMiFbMfa3q2Pd2wiEeOTZDu6E1OSzgTiVDWcHC2LE6zVW3Pi\",\"ok\":true}",
                     "EZAKhUir4UoMiFbMfa3q2Pd2wiEeOTZDu6E1OSzgTiVDWcHC2LE6zVW3Pi"}),
     .negatives = NEG("EZAKJleFc8KR")},

    /* Private API keys: key- + 32 hex. documentation.mailgun.com/docs/mailgun/api-reference/authentication */
    {.rule = {"mailgun-api-key", LS_CAT_SECRET, "Mailgun API key (key- + 32 hex)"},
     .variants = {{"key-[a-f0-9]{32}", LS_LB_TOKEN "key-[a-f0-9]{32}" LS_LA_TOKEN, 36, 36, NULL}},
     .min_entropy = 3.0,
     .examples = EX({"key: key-ff6dbd9b9a89e1c4c05cc8eab518f170\n", "key-ff6dbd9b9a89e1c4c05cc8eab518f170"},
                    {"export TOKEN=\"key-4271af7bb3f4e4ba5e6223485b1f541c\"\n", "key-4271af7bb3f4e4ba5e6223485b1f541c"},
                    {"{\"credential\":\"key-a81d0fca5a821ab3fc08412cc2f65ecf\",\"ok\":true}",
                     "key-a81d0fca5a821ab3fc08412cc2f65ecf"}),
     .negatives = NEG("key-ff6dbd9b9a89e1c4c05c")},

    /* API keys end with the data center: <32 hex>-us6. mailchimp.com/developer/marketing/guides/quick-start */
    {.rule = {"mailchimp-api-key", LS_CAT_SECRET, "Mailchimp Marketing API key (<32 hex>-usN)"},
     .variants = {{"[a-f0-9]{32}-us\\d", LS_LB_TOKEN "[a-f0-9]{32}-us\\d{1,2}(?![A-Za-z0-9_-])", 36, 38, NULL}},
     .min_entropy = 3.0,
     .examples = EX({"key: 58c4fc8455e84a07b01ac142aec8c38e-us8\n", "58c4fc8455e84a07b01ac142aec8c38e-us8"},
                    {"export TOKEN=\"a8409a367b7d7f719eddd7e5b0641757-us8\"\n", "a8409a367b7d7f719eddd7e5b0641757-us8"},
                    {"{\"credential\":\"5ca9ffca6dc7441cfbdb6dcbdf2863fc-us9\",\"ok\":true}",
                     "5ca9ffca6dc7441cfbdb6dcbdf2863fc-us9"}),
     .negatives = NEG("58c4fc8455e84a07b01ac142")},

    /* API key SIDs: SK + 32 hex (the secret is shown once with it). twilio.com/docs/iam/api-keys */
    {.rule = {"twilio-api-key", LS_CAT_SECRET, "Twilio API key SID (SK + 32 hex)"},
     .variants = {{"SK[a-f0-9]{32}", LS_LB_ALNUM "SK[a-f0-9]{32}(?![A-Za-z0-9])", 34, 34, NULL}},
     .min_entropy = 3.0,
     .examples = EX(
         {"key: SK283aeae40f1c2ae0081dbb2fe4d4c815\n", "SK283aeae40f1c2ae0081dbb2fe4d4c815"},
         {"export TOKEN=\"SKaa0c1fba1e63f5d9c6007083c6598e79\"\n", "SKaa0c1fba1e63f5d9c6007083c6598e79"},
         {"{\"credential\":\"SK007c20deb4a901a90650bd74e6efb7a0\",\"ok\":true}", "SK007c20deb4a901a90650bd74e6efb7a0"}),
     .negatives = NEG("SK283aeae40f1c2ae0081d")},

    /* Auth tokens are 32 hex (TWILIO_AUTH_TOKEN). twilio.com/docs/iam/credentials/api */
    {.rule = {"twilio-auth-token", LS_CAT_SECRET, "Twilio auth token next to its setting name"},
     .variants = {{"(?i)twilio_?auth_?token",
                   "(?i:twilio_?auth_?token)[A-Za-z0-9_.-]{0,24}\\\\?[\"\\']?\\s{0,3}(?:=|:)\\s{0,3}\\\\?[\"\\']?(?<v>["
                   "a-f0-9]{32})(?![A-Za-z0-9])",
                   17, 120, ls_q_assign}},
     .min_entropy = 3.0,
     .examples =
         EX({"TWILIO_AUTH_TOKEN=5ffb0a969c35c09389248b529974dbc7\n", "5ffb0a969c35c09389248b529974dbc7"},
            {"{\"twilio_auth_token\": \"c12471af3fd1ba5719789792d60cc3e7\"}", "c12471af3fd1ba5719789792d60cc3e7"}),
     .negatives = NEG("TWILIO_AUTH_TOKEN=42fa508a4ef75d23aca243dcaee8ad4")},

    /* API keys: xkeysib- + 64 hex + - + 16 characters (SMTP keys xsmtpsib-). developers.brevo.com/docs/getting-
     * started */
    {.rule = {"brevo-api-key", LS_CAT_SECRET, "Brevo (Sendinblue) API or SMTP key (xkeysib-/xsmtpsib-)"},
     .variants = {{"x(?:keysib|smtpsib)-", LS_LB_TOKEN "x(?:keysib|smtpsib)-[a-f0-9]{64}-[A-Za-z0-9]{16}" LS_LA_TOKEN,
                   9, 90, NULL}},
     .min_entropy = 3.0,
     .examples =
         EX({"key: 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\n",
             "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"},
            {"export "
             "TOKEN=\"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\"\n",
             "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"},
            {"{\"credential\":\"xkeysib-8d85b8b35916a1b521f63a704f81b8413e5afe8cdf9dbf36231629b19a8bd2b1-"
             "QsO8zXqyNTPrn5i7\",\"ok\":true}",
             "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"}),
     .negatives = NEG("xkeysib-fd72c86be")},

    /* API keys: re_ + 8 characters _ 24 characters. resend.com/docs/dashboard/api-keys/introduction */
    {.rule = {"resend-api-key", LS_CAT_SECRET, "Resend API key (re_)"},
     .variants = {{"re_[A-Za-z0-9]{8}_[A-Za-z0-9]{24}", LS_LB_TOKEN "re_[A-Za-z0-9]{8}_[A-Za-z0-9]{24}" LS_LA_TOKEN, 36,
                   36, NULL}},
     .min_entropy = 3.5,
     .examples = EX({"key: re_YAtURCHN_GNFA3TJodIlqyqvxgvf514h9\n", "re_YAtURCHN_GNFA3TJodIlqyqvxgvf514h9"},
                    {"export TOKEN=\"re_w53ZKLyS_x8GWmxvrzXyKu4Q2uNhSj5Ih\"\n", "re_w53ZKLyS_x8GWmxvrzXyKu4Q2uNhSj5Ih"},
                    {"{\"credential\":\"re_s6oRcxOq_WhyKGMrehuwwo96oIh8rVYQo\",\"ok\":true}",
                     "re_s6oRcxOq_WhyKGMrehuwwo96oIh8rVYQo"}),
     .negatives = NEG("re_YAtURCHN_GNFA3TJodIlq")},

    {.rule = {NULL, 0, NULL}},
};
