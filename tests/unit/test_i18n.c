/*
** test_i18n.c: languages and messages in the reader's language
** (src/core/i18n.c) and their use at the web boundary (web_error, the 422
** problems): Accept-Language with q-values, the lang argument's tags, the
** catalog matcher (placeholders %s, %t, %m, positional %N$s, no match ->
** English, arguments holding '%' or UTF-8), every message a coordinator
** meets translated by the built-in catalog, code and field never
** translated.
*/
#include "core/buf.h"
#include "core/i18n.h"
#include "harness.h"
#include "web/web.h"

#include <jansson.h>

/* The translation of text by catalog c as a static string (tests only). */
static const char *tr_with(const struct i18n_catalog *c, const char *text,
                           bool *matched) {
  static char out[2048];
  struct buf b;
  bool ok;
  buf_init(&b, 0);
  ok = i18n_translate(c, text, &b);
  snprintf(out, sizeof(out), "%s", buf_str(&b));
  buf_reset(&b);
  if (matched != NULL) {
    *matched = ok;
  }
  return out;
}

/* The built-in Chinese translation of text; *matched as above. */
static const char *zh(const char *text, bool *matched) {
  return tr_with(&i18n_zh, text, matched);
}

/* Does s hold a CJK ideograph (U+4E00..U+9FFF: lead bytes E4..E9)? */
static bool has_cjk(const char *s) {
  const unsigned char *p = (const unsigned char *)s;
  for (; *p != '\0'; p++) {
    if (p[0] >= 0xe4 && p[0] <= 0xe9 && p[1] >= 0x80 && p[1] <= 0xbf &&
        p[2] >= 0x80 && p[2] <= 0xbf) {
      return true;
    }
  }
  return false;
}

static void test_negotiate(void) {
  CHECK_INT_EQ(i18n_negotiate(NULL), I18N_EN);
  CHECK_INT_EQ(i18n_negotiate(""), I18N_EN);
  CHECK_INT_EQ(i18n_negotiate("zh"), I18N_ZH);
  CHECK_INT_EQ(i18n_negotiate("zh-CN"), I18N_ZH);
  CHECK_INT_EQ(i18n_negotiate("zh-cn"), I18N_ZH);
  CHECK_INT_EQ(i18n_negotiate("ZH-Hans"), I18N_ZH);
  CHECK_INT_EQ(i18n_negotiate("zh-Hans-CN"), I18N_ZH);
  CHECK_INT_EQ(i18n_negotiate("zh-SG"), I18N_ZH);
  CHECK_INT_EQ(i18n_negotiate("en-US"), I18N_EN);
  CHECK_INT_EQ(i18n_negotiate("fr"), I18N_EN);
  CHECK_INT_EQ(i18n_negotiate("de-DE,fr;q=0.8"), I18N_EN);
  /* Traditional Chinese is not served: English. */
  CHECK_INT_EQ(i18n_negotiate("zh-TW"), I18N_EN);
  CHECK_INT_EQ(i18n_negotiate("zh-Hant"), I18N_EN);
  CHECK_INT_EQ(i18n_negotiate("zh-HK"), I18N_EN);
  /* "zhx" and "z" are not zh. */
  CHECK_INT_EQ(i18n_negotiate("zhx"), I18N_EN);
  CHECK_INT_EQ(i18n_negotiate("z"), I18N_EN);
  /* q-values: the highest wins, the first of equals. */
  CHECK_INT_EQ(i18n_negotiate("zh-CN,zh;q=0.9,en;q=0.8"), I18N_ZH);
  CHECK_INT_EQ(i18n_negotiate("en;q=0.5, zh-CN;q=0.9"), I18N_ZH);
  CHECK_INT_EQ(i18n_negotiate("zh;q=0.5, en;q=0.9"), I18N_EN);
  CHECK_INT_EQ(i18n_negotiate("en-US,en;q=0.9,zh-CN;q=0.8"), I18N_EN);
  CHECK_INT_EQ(i18n_negotiate("en, zh"), I18N_EN);
  CHECK_INT_EQ(i18n_negotiate("zh, en"), I18N_ZH);
  /* Unsupported first, then Chinese: Chinese is the best we have. */
  CHECK_INT_EQ(i18n_negotiate("fr-FR, zh;q=0.3"), I18N_ZH);
  CHECK_INT_EQ(i18n_negotiate("zh-TW, zh;q=0.8, en;q=0.5"), I18N_ZH);
  /* q=0: not acceptable. */
  CHECK_INT_EQ(i18n_negotiate("zh;q=0"), I18N_EN);
  CHECK_INT_EQ(i18n_negotiate("zh;q=0.000, en;q=0.1"), I18N_EN);
  CHECK_INT_EQ(i18n_negotiate("zh ; q=1.0"), I18N_ZH);
  CHECK_INT_EQ(i18n_negotiate("zh;Q=0.7,en;q=0.6"), I18N_ZH);
  CHECK_INT_EQ(i18n_negotiate("*;q=0.9, zh;q=0.95"), I18N_ZH);
  CHECK_INT_EQ(i18n_negotiate("*, zh;q=0.5"), I18N_EN);
  /* Malformed items are skipped, the rest still counts. */
  CHECK_INT_EQ(i18n_negotiate("zh;q=2"), I18N_EN);
  CHECK_INT_EQ(i18n_negotiate("zh;q=abc, en;q=0.1"), I18N_EN);
  CHECK_INT_EQ(i18n_negotiate("zh;q=0.12345"), I18N_EN);
  CHECK_INT_EQ(i18n_negotiate("en;foo=bar, zh;q=0.2"), I18N_ZH);
  CHECK_INT_EQ(i18n_negotiate(",,, ;q=1, zh"), I18N_ZH);
  CHECK_INT_EQ(i18n_negotiate("\xe4\xb8\xad, zh"), I18N_ZH);
  /* The lang argument: one tag. */
  CHECK_INT_EQ(i18n_lang_arg("zh"), I18N_ZH);
  CHECK_INT_EQ(i18n_lang_arg("zh-Hans"), I18N_ZH);
  CHECK_INT_EQ(i18n_lang_arg("en"), I18N_EN);
  CHECK_INT_EQ(i18n_lang_arg("fr"), I18N_EN);
  CHECK_INT_EQ(i18n_lang_arg("zh,en"), I18N_EN);
  CHECK_INT_EQ(i18n_lang_arg(NULL), I18N_EN);
  CHECK_STR_EQ(i18n_tag(I18N_ZH), "zh-CN");
  CHECK_STR_EQ(i18n_tag(I18N_EN), "en");
}

/* A small catalog exercising the matcher. */
static const struct i18n_entry t_messages[] = {
  {"exact words", "EXACT"},
  {"%s: out of range: allowed %s to %s", "%s=[%s,%s]"},
  {"swap %s and %s", "%2$s then %1$s"},
  {"the %t role", "role<%s>"},
  {"100%% sure of %s", "%s: 100%%"},
  {"wrapped: %m!", "W(%s)"},
  {"inner %s", "I[%s]"},
};
static const struct i18n_entry t_terms[] = {
  {"coordinator", "CO"},
};
static const struct i18n_catalog t_cat = {t_messages, 7, t_terms, 1};

static void test_matcher(void) {
  bool m = true;
  /* An exact template. */
  CHECK_STR_EQ(tr_with(&t_cat, "exact words", &m), "EXACT");
  CHECK(m);
  /* No template matches: the English text, unchanged. */
  CHECK_STR_EQ(tr_with(&t_cat, "exact words and more", &m),
               "exact words and more");
  CHECK(!m);
  CHECK_STR_EQ(tr_with(&t_cat, "", &m), "");
  CHECK(!m);
  CHECK_STR_EQ(tr_with(NULL, "exact words", &m), "exact words");
  CHECK(!m);
  /* Placeholders carry their text over; the shortest that fits. */
  CHECK_STR_EQ(tr_with(&t_cat, "data.age: out of range: allowed 18 to 120",
                       &m),
               "data.age=[18,120]");
  CHECK(m);
  /* A placeholder matches at least one character. */
  CHECK_STR_EQ(tr_with(&t_cat, ": out of range: allowed 1 to 2", &m),
               ": out of range: allowed 1 to 2");
  CHECK(!m);
  /* Positional arguments. */
  CHECK_STR_EQ(tr_with(&t_cat, "swap A and B", NULL), "B then A");
  /* Terms: translated when known, else copied. */
  CHECK_STR_EQ(tr_with(&t_cat, "the coordinator role", NULL), "role<CO>");
  CHECK_STR_EQ(tr_with(&t_cat, "the monitor role", NULL), "role<monitor>");
  /* '%%' is a literal percent sign on both sides. */
  CHECK_STR_EQ(tr_with(&t_cat, "100% sure of it", NULL), "it: 100%");
  CHECK_STR_EQ(tr_with(&t_cat, "100 sure of it", &m), "100 sure of it");
  CHECK(!m);
  /* Arguments holding '%' and format directives are copied, never used as
  ** a format. */
  CHECK_STR_EQ(tr_with(&t_cat, "x%n%s: out of range: allowed %d to 5%",
                       NULL),
               "x%n%s=[%d,5%]");
  /* Arguments in UTF-8 are copied byte for byte. */
  CHECK_STR_EQ(tr_with(&t_cat, "数据.年龄: out of range: allowed 一 to 二",
                       NULL),
               "数据.年龄=[一,二]");
  CHECK_STR_EQ(tr_with(&t_cat, "swap é and “引号”", NULL),
               "“引号” then é");
  /* %m: a nested message that must translate itself. */
  CHECK_STR_EQ(tr_with(&t_cat, "wrapped: inner x!", &m), "W(I[x])");
  CHECK(m);
  CHECK_STR_EQ(tr_with(&t_cat, "wrapped: nothing known!", &m),
               "wrapped: nothing known!");
  CHECK(!m);
  /* Too deep: English. */
  CHECK_STR_EQ(tr_with(&t_cat, "wrapped: wrapped: inner y!!", NULL),
               "W(W(I[y]))");
  CHECK_STR_EQ(tr_with(&t_cat,
                       "wrapped: wrapped: wrapped: wrapped: wrapped: "
                       "inner z!!!!!",
                       &m),
               "wrapped: wrapped: wrapped: wrapped: wrapped: inner z!!!!!");
  CHECK(!m);
}

/* Every message a coordinator meets, in Chinese, with its arguments. */
static void test_catalog(void) {
  static const struct {
    const char *en;  /* the message as the server formats it */
    const char *zh;  /* its translation */
  } cases[] = {
    {"required", "必填"},
    {"data.age: required", "data.age：必填"},
    {"out of range: allowed 0.1 to 2000", "超出范围：允许 0.1 至 2000"},
    {"data.child_pugh.bilirubin_umol_l: out of range: allowed 0.1 to 2000",
     "data.child_pugh.bilirubin_umol_l：超出范围：允许 0.1 至 2000"},
    {"data.age: out of range: allowed 18 to 120 (and more problems)",
     "data.age：超出范围：允许 18 至 120（另有其他问题）"},
    {"expected a number", "应为数字"},
    {"expected a integer", "应为整数"},
    {"expected a whole number", "应为整数"},
    {"expected a date (YYYY-MM-DD)", "应为日期（YYYY-MM-DD）"},
    {"not an allowed value", "不是允许的取值"},
    {"expected text of 1 to 200 bytes", "应为 1 至 200 字节的文本"},
    {"unknown field for lab", "不是实验室检查表单的字段"},
    {"unknown field for mystery", "不是mystery表单的字段"},
    {"a reason is required to change saved data",
     "修改已保存的数据须填写原因"},
    {"2027-01-01 is after today (2026-06-01, UTC): a date in the future "
     "cannot be saved",
     "2027-01-01 晚于今天（2026-06-01，UTC）：不能保存将来的日期"},
    {"patient TJH-0001: the casebook is locked",
     "患者 TJH-0001：病例已锁定"},
    {"record 12: changed since version 3 (now 4); reload it",
     "记录 12：自版本 3 以来已被修改（现为版本 4）；请重新加载"},
    {"analysis: permission denied for the coordinator role",
     "统计分析：研究协调员角色无此权限"},
    {"patient: no patient \"SYSU-0001\" that you may see",
     "患者：没有您可查看的患者“SYSU-0001”"},
    {"record: no record 9 for patient TJH-0002",
     "记录：患者 TJH-0002 没有记录 9"},
    {"invalid username or password (or the account is inactive)",
     "用户名或密码错误（或账户已停用）"},
    {"too many failed logins: try again in 4 s",
     "登录失败次数过多：请 4 秒后再试"},
    {"the database is not reachable or the change was not confirmed; try "
     "again",
     "数据库无法访问或修改未得到确认；请重试"},
    {"lab: \"x\" is not one of a, b", "实验室检查：“x”不是以下取值之一：a, b"},
    {"enrolment refused: there is no screening record (only an eligible "
     "patient may be enrolled)",
     "入组被拒绝：没有筛选记录（只有符合入选资格的患者才能入组）"},
    {"enrolment refused: not eligible at screening: age 17 is outside "
     "18-75 years; HIV infection (only an eligible patient may be enrolled)",
     "入组被拒绝：筛选时不符合入选资格：年龄 17 岁，不在 18–75 岁"
     "范围内；HIV 感染（只有符合入选资格的患者才能入组）"},
    {"tumour thrombus in the hepatic veins; tumour thrombus in the inferior "
     "vena cava",
     "肝静脉癌栓；下腔静脉癌栓"},
    {"portal vein invasion vp4 (main trunk); tumour thrombus in the hepatic "
     "veins",
     "门静脉侵犯 vp4（主干）；肝静脉癌栓"},
    {"session: expired; log in again", "会话：已过期；请重新登录"},
    {"enrolment refused: something new (only an eligible patient may be "
     "enrolled)",
     "入组被拒绝：something new（只有符合入选资格的患者才能入组）"},
  };
  size_t i;
  bool m;
  for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    const char *got = zh(cases[i].en, &m);
    if (!harness_check(m && strcmp(got, cases[i].zh) == 0, __FILE__,
                       __LINE__, cases[i].en)) {
      fprintf(stderr, "    got \"%s\", expected \"%s\"\n", got,
              cases[i].zh);
    }
  }
  /* Not in the catalog: English. */
  CHECK_STR_EQ(zh("a message nobody wrote a template for", &m),
               "a message nobody wrote a template for");
  CHECK(!m);
  /* A message with '%' in its argument (a field name from the request). */
  CHECK_STR_EQ(zh("data.50%: required", NULL), "data.50%：必填");
  CHECK(i18n_catalog_size(I18N_ZH) > 100);
  CHECK_INT_EQ(i18n_catalog_size(I18N_EN), 0);
  {
    struct buf b;
    buf_init(&b, 0);
    i18n_message(I18N_EN, "data.age: required", &b);
    CHECK_STR_EQ(buf_str(&b), "data.age: required");
    buf_reset(&b);
    i18n_message(I18N_ZH, "data.age: required", &b);
    CHECK(has_cjk(buf_str(&b)));
    buf_reset(&b);
  }
}

/* web_error and web_problems_localized: message in rs->lang, code and
** field untouched. */
static void test_web(void) {
  struct response rs;
  json_t *v, *probs, *loc;
  memset(&rs, 0, sizeof(rs));
  buf_init(&rs.body, 0);
  rs.lang = I18N_ZH;
  web_error(&rs, 403, "E_FORBIDDEN",
            "analysis: permission denied for the coordinator role", "role");
  v = json_loads(buf_str(&rs.body), 0, NULL);
  CHECK(v != NULL);
  CHECK_STR_EQ(json_string_value(json_object_get(json_object_get(v, "error"),
                                                 "message")),
               "统计分析：研究协调员角色无此权限");
  CHECK_STR_EQ(json_string_value(json_object_get(json_object_get(v, "error"),
                                                 "code")),
               "E_FORBIDDEN");
  CHECK_STR_EQ(json_string_value(json_object_get(json_object_get(v, "error"),
                                                 "field")),
               "role");
  json_decref(v);
  /* English: the message as given. */
  rs.lang = I18N_EN;
  rs.body.len = 0;
  web_error(&rs, 404, "E_NOT_FOUND", "no such resource", NULL);
  v = json_loads(buf_str(&rs.body), 0, NULL);
  CHECK_STR_EQ(json_string_value(json_object_get(json_object_get(v, "error"),
                                                 "message")),
               "no such resource");
  json_decref(v);
  /* Message text that is not UTF-8 is cleaned, then translated. */
  rs.lang = I18N_ZH;
  rs.body.len = 0;
  web_error(&rs, 400, "E_INVALID", "data.\xff: required", "data.\xff");
  v = json_loads(buf_str(&rs.body), 0, NULL);
  CHECK(v != NULL);
  CHECK(has_cjk(json_string_value(
      json_object_get(json_object_get(v, "error"), "message"))));
  json_decref(v);
  buf_reset(&rs.body);
  /* The problems of a 422. */
  probs = json_pack("[{s:s,s:s},{s:s,s:s}]", "field", "data.age", "message",
                    "out of range: allowed 18 to 120", "field", "data.x",
                    "message", "unknown field for screening");
  rs.lang = I18N_ZH;
  loc = web_problems_localized(&rs, probs);
  CHECK_INT_EQ(json_array_size(loc), 2);
  CHECK_STR_EQ(json_string_value(json_object_get(json_array_get(loc, 0),
                                                 "message")),
               "超出范围：允许 18 至 120");
  CHECK_STR_EQ(json_string_value(json_object_get(json_array_get(loc, 1),
                                                 "message")),
               "不是筛选表单的字段");
  CHECK_STR_EQ(json_string_value(json_object_get(json_array_get(loc, 1),
                                                 "field")),
               "data.x");
  /* The original is untouched. */
  CHECK_STR_EQ(json_string_value(json_object_get(json_array_get(probs, 0),
                                                 "message")),
               "out of range: allowed 18 to 120");
  json_decref(loc);
  rs.lang = I18N_EN;
  loc = web_problems_localized(&rs, probs);
  CHECK(json_equal(loc, probs));
  json_decref(loc);
  json_decref(probs);
  CHECK(web_problems_localized(&rs, NULL) == NULL);
}

int main(void) {
  test_negotiate();
  test_matcher();
  test_catalog();
  test_web();
  return harness_report();
}
