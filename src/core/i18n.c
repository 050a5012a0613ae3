/*
** i18n.c: languages, Accept-Language negotiation and the message catalog
** (see i18n.h).
**
** Why: the store and the study rules speak English (their messages are
** also the command line's and the log's); a coordinator using the Chinese
** interface should read the server's refusals in Chinese.  The messages are
** formatted English ("data.age: out of range: allowed 18 to 120"), so the
** catalog holds the English templates they were made from and matches the
** text against them, like a scanf with backtracking; what the placeholders
** captured (field names, numbers, codes) is carried over unchanged.
** Invariants: no match, no change (English is always a correct answer);
** captured bytes are never used as a format; nothing here allocates except
** the output buffer and a scratch buffer for nested messages.
** Workload: one short message (under 300 bytes) per failed request, ~100
** templates: a linear scan, each template failing on its first literal.
*/
#include "i18n.h"

#include <string.h>

/* One captured placeholder. */
struct i18n_cap {
  const char *p; /* start in the text */
  size_t n;      /* length in bytes */
  char kind;     /* 's', 't' or 'm' */
  int depth;     /* nesting depth of the template it belongs to */
};

/* The Simplified Chinese templates: specific ones first, the generic
** "FIELD: message" and "(and more problems)" rules last.  Lines are split
** so that each stays within 80 bytes (a Chinese character is 3). */
static const struct i18n_entry zh_messages[] = {
  /* Form validation (study/forms.c), one problem each. */
  {"required", "必填"},
  {"expected a number", "应为数字"},
  {"expected a integer", "应为整数"},
  {"expected a whole number", "应为整数"},
  {"expected a whole number from %s to %s", "应为 %s 至 %s 之间的整数"},
  {"out of range: allowed %s to %s", "超出范围：允许 %s 至 %s"},
  {"expected a date (YYYY-MM-DD)", "应为日期（YYYY-MM-DD）"},
  {"expected true or false", "应为是或否（true 或 false）"},
  {"not an allowed value", "不是允许的取值"},
  {"expected text of 1 to %s bytes", "应为 1 至 %s 字节的文本"},
  {"expected an object", "应为对象"},
  {"expected an array", "应为数组"},
  {"expected a string", "应为文本"},
  {"expected an array of at most %s items", "应为最多 %s 项的数组"},
  {"unknown field for %t", "不是%s表单的字段"},
  {"unknown record kind", "未知的记录类型"},
  {"unknown record kind \"%s\"", "未知的记录类型“%s”"},
  {"a reason is required to change saved data",
   "修改已保存的数据须填写原因"},
  {"%s is after today (%s, UTC): a date in the future cannot be saved",
   "%s 晚于今天（%s，UTC）：不能保存将来的日期"},
  {"%s is in the future", "%s 是将来的日期"},
  {"\"%s\" is not a date (YYYY-MM-DD)", "“%s”不是日期（YYYY-MM-DD）"},
  {"\"%s\" is not one of %s", "“%s”不是以下取值之一：%s"},
  {"invalid JSON at line %s column %s: %s",
   "JSON 无效（第 %s 行第 %s 列）：%s"},
  {"%s is out of range (above %s, at most %s)",
   "%s 超出范围（应大于 %s，至多 %s）"},
  {"must not be negative", "不能为负数"},
  {"%s mm is out of range", "%s mm 超出范围"},
  {"required (YYYY-MM-DD)", "必填（YYYY-MM-DD）"},
  {"more than %s entries", "超过 %s 项"},
  {"required (an object with date, target and nontarget)",
   "必填（含 date、target 和 nontarget 的对象）"},
  {"required (an array, [] when none)", "必填（数组，没有时为 []）"},
  {"expected 0 to 1000 mm", "应为 0 至 1000 mm"},
  /* Saving records (store/record.c). */
  {"record %s: changed since version %s (now %s); reload it",
   "记录 %s：自版本 %s 以来已被修改（现为版本 %s）；"
   "请重新加载"},
  {"record %s: changed by someone else; reload it",
   "记录 %s：已被他人修改；请重新加载"},
  {"record %s: is a %t record, not %t",
   "记录 %s：是%s记录，不是%s记录"},
  {"%t: patient %s already has one (record %s); update it instead",
   "%s：患者 %s 已有此类记录（记录 %s）；"
   "请改为更新该记录"},
  {"no record %s for patient %s", "患者 %2$s 没有记录 %1$s"},
  {"patient %s has no record %s", "患者 %s 没有记录 %s"},
  {"no record %s", "没有记录 %s"},
  /* Enrolment of an eligible patient only (study/casebook.c). */
  {"enrolment refused: %m (only an eligible patient may be enrolled)",
   "入组被拒绝：%s（只有符合入选资格的患者才能入组）"},
  {"enrolment refused: %s (only an eligible patient may be enrolled)",
   "入组被拒绝：%s（只有符合入选资格的患者才能入组）"},
  {"enrolment refused: %m; an investigator may enrol by override, with a "
   "reason",
   "入组被拒绝：%s；研究者可填写原因后破例入组"},
  {"enrolment refused: %s; an investigator may enrol by override, with a "
   "reason",
   "入组被拒绝：%s；研究者可填写原因后破例入组"},
  {"there is no screening record", "没有筛选记录"},
  {"the screening cannot be judged (%s)", "无法判定筛选结果（%s）"},
  {"not eligible at screening: %m", "筛选时不符合入选资格：%s"},
  {"not eligible at screening: %s", "筛选时不符合入选资格：%s"},
  {"the screening is incomplete (%s criteria not answered)",
   "筛选信息不完整（%s 项标准未填写）"},
  {"only an investigator may enrol a patient who is not eligible",
   "只有研究者可以让不符合入选资格的患者入组"},
  {"required to enrol a patient who is not eligible",
   "不符合入选资格的患者入组时必填"},
  /* Access (store/access.c). */
  {"no %t \"%s\" that you may see", "没有您可查看的%s“%s”"},
  {"%t %s: the casebook is locked", "%s %s：病例已锁定"},
  {"the %t role acts at its own site only (%s), not at %s",
   "%s角色只能在本中心（%s）操作，不能在 %s 操作"},
  {"permission denied for the %t role", "%s角色无此权限"},
  /* Sessions and accounts (store/session.c, store/store.c). */
  {"invalid username or password (or the account is inactive)",
   "用户名或密码错误（或账户已停用）"},
  {"too many failed logins: try again in %s s",
   "登录失败次数过多：请 %s 秒后再试"},
  {"username and password are required", "用户名和密码为必填项"},
  {"log in first", "请先登录"},
  {"not logged in", "未登录"},
  {"expired; log in again", "已过期；请重新登录"},
  {"at least %s characters are required", "至少需要 %s 个字符"},
  {"at most %s characters", "最多 %s 个字符"},
  {"only letters, digits, '_', '-' and '.' are allowed",
   "只允许字母、数字、“_”、“-”和“.”"},
  {"\"%s\" already exists", "“%s”已存在"},
  {"no site with code \"%s\"", "没有代码为“%s”的中心"},
  {"no user \"%s\"", "没有用户“%s”"},
  {"an administrator cannot deactivate or demote itself",
   "管理员不能停用或降级自己"},
  {"required for the %t role", "%s角色必填"},
  {"the %t role needs a site", "%s角色须指定中心"},
  /* The HTTP front end (web/). */
  {"missing or wrong X-CSRF-Token header",
   "缺少 X-CSRF-Token 请求头或其值错误"},
  {"the request body is too large", "请求体过大"},
  {"the body must be a JSON object", "请求体必须是 JSON 对象"},
  {"method not allowed here", "此路径不允许该请求方法"},
  {"no such resource", "没有此资源"},
  {"no such page", "没有此页面"},
  {"no such query", "没有此质疑"},
  {"the URL is too long", "URL 过长"},
  {"query: the request's text is not valid UTF-8",
   "查询字符串：请求中的文本不是有效的 UTF-8"},
  {"the request's text is not valid UTF-8",
   "请求中的文本不是有效的 UTF-8"},
  {"the database is not reachable or the change was not confirmed; try "
   "again",
   "数据库无法访问或修改未得到确认；请重试"},
  {"internal error; see the server log",
   "内部错误；请查看服务器日志"},
  {"record id must be a positive number", "记录编号必须是正数"},
  {"version is required", "版本号为必填项"},
  {"true or false is required", "须为 true 或 false"},
  {"must be pfs or os", "须为 pfs 或 os"},
  {"must be crude or iptw", "须为 crude 或 iptw"},
  {"%s patients with complete covariates are too few for the propensity "
   "model",
   "协变量完整的患者只有 %s 例，"
   "不足以拟合倾向性评分模型"},
  {"the propensity model does not converge or separates the cohorts "
   "(fitted probabilities of 0 or 1)",
   "倾向性评分模型不收敛或完全分离两个队列"
   "（拟合概率为 0 或 1）"},
  {"ATE weights from a logistic model of HAIC on the baseline covariates; "
   "robust SE",
   "ATE 权重，来自 HAIC 对基线协变量的 logistic 模型；"
   "稳健标准误"},
  /* Queries, signatures, locks, imports (store/workflow.c, import.c). */
  {"1 to %s characters are required", "须为 1 至 %s 个字符"},
  {"no query %s", "没有质疑 %s"},
  {"query %s: is %t, not open", "质疑 %s：状态为%s，不是未解决"},
  {"query %s: already closed", "质疑 %s：已关闭"},
  {"state what the signature means (1 to 500 characters)",
   "请说明签名的含义（1 至 500 个字符）"},
  {"required to unlock a casebook", "解锁病例时必填"},
  {"patient %s: already locked", "患者 %s：已锁定"},
  {"patient %s: already unlocked", "患者 %s：已处于解锁状态"},
  {"import refused: %s problem(s); nothing was written",
   "导入被拒绝：%s 个问题；未写入任何数据"},
  {"import refused; nothing was written",
   "导入被拒绝；未写入任何数据"},
  /* Reasons of the eligibility verdict (study/eligibility.c). */
  {"extrahepatic metastasis is present", "存在肝外转移"},
  {"not treatment-naive: prior anticancer therapy",
   "非初治：既往接受过抗肿瘤治疗"},
  {"severe disease of a major organ", "重要器官严重疾病"},
  {"decompensated liver cirrhosis", "失代偿期肝硬化"},
  {"concurrent other malignancy", "合并其他恶性肿瘤"},
  {"recurrent hepatocellular carcinoma", "复发性肝细胞癌"},
  {"active, known or suspected autoimmune disease",
   "活动性、已知或疑似的自身免疫性疾病"},
  {"hypersensitivity to a PD-1 inhibitor or lenvatinib component",
   "对 PD-1 抑制剂或仑伐替尼成分过敏"},
  {"HIV infection", "HIV 感染"},
  {"active viral hepatitis", "活动性病毒性肝炎"},
  {"tumour thrombus in the hepatic veins", "肝静脉癌栓"},
  {"tumour thrombus in the inferior vena cava", "下腔静脉癌栓"},
  {"portal vein invasion %s (main trunk)", "门静脉侵犯 %s（主干）"},
  {"Child-Pugh score %s (%s) is above %s",
   "Child-Pugh 评分 %s（%s 级）高于 %s"},
  {"Child-Pugh score is at least %s with %s component(s) missing, above %s",
   "Child-Pugh 评分至少为 %s（缺 %s 项），高于 %s"},
  {"age %s is outside %s-%s years",
   "年龄 %s 岁，不在 %s–%s 岁范围内"},
  {"BCLC stage %s is not allowed", "不允许 BCLC %s 期"},
  {"ECOG performance status %s is above %s", "ECOG 评分 %s 高于 %s"},
  /* Generic rules, last: a message about more problems, any message
  ** "WHAT: message" whose message translates, and two messages joined by
  ** "; " (several reasons of one verdict). */
  {"%m (and more problems)", "%s（另有其他问题）"},
  {"%t: %m", "%s：%s"},
  {"%m; %m", "%s；%s"},
};

/* Words that placeholders %t translate: roles, record kinds, the names of
** operations and fields that messages begin with, query states. */
static const struct i18n_entry zh_terms[] = {
  {"admin", "管理员"},
  {"pi", "主要研究者"},
  {"investigator", "研究者"},
  {"coordinator", "研究协调员"},
  {"monitor", "监查员"},
  {"data_manager", "数据管理员"},
  {"statistician", "统计师"},
  {"screening", "筛选"},
  {"enrolment", "入组"},
  {"baseline", "基线特征"},
  {"baseline_scan", "基线肿瘤评估"},
  {"assessment", "肿瘤评估"},
  {"tace", "TACE 治疗"},
  {"haic", "HAIC 周期"},
  {"pd1_dose", "PD-1 抑制剂给药"},
  {"lenvatinib", "仑伐替尼给药"},
  {"adverse_event", "不良事件"},
  {"lab", "实验室检查"},
  {"new_therapy", "新的抗肿瘤治疗"},
  {"survival_contact", "生存随访"},
  {"death", "死亡"},
  {"end_of_study", "研究结束"},
  {"patient", "患者"},
  {"patients", "患者列表"},
  {"record", "记录"},
  {"analysis", "统计分析"},
  {"audit", "稽查轨迹"},
  {"backup", "备份"},
  {"import", "导入"},
  {"lock", "锁定"},
  {"unlock", "解锁"},
  {"locked", "锁定状态"},
  {"query", "质疑"},
  {"query answer", "回复质疑"},
  {"query close", "关闭质疑"},
  {"query list", "质疑列表"},
  {"query raise", "发起质疑"},
  {"sdv", "源数据核对"},
  {"sign", "签名"},
  {"signature", "签名"},
  {"site", "中心"},
  {"site add", "添加中心"},
  {"site name", "中心名称"},
  {"site code", "中心代码"},
  {"status", "状态"},
  {"terms import", "导入术语"},
  {"user add", "添加用户"},
  {"user list", "用户列表"},
  {"user set", "修改用户"},
  {"permission", "权限"},
  {"session", "会话"},
  {"password", "密码"},
  {"username", "用户名"},
  {"role", "角色"},
  {"reason", "原因"},
  {"meaning", "签名含义"},
  {"text", "文本"},
  {"answer", "回复"},
  {"kind", "记录类型"},
  {"version", "版本"},
  {"item", "条目"},
  {"request", "请求"},
  {"request body", "请求体"},
  {"body", "请求体"},
  {"path", "路径"},
  {"header", "请求头"},
  {"endpoint", "终点"},
  {"adjust", "校正方法"},
  {"open", "未解决"},
  {"answered", "已回复"},
  {"closed", "已关闭"},
};

const struct i18n_catalog i18n_zh = {
    zh_messages, sizeof(zh_messages) / sizeof(zh_messages[0]), zh_terms,
    sizeof(zh_terms) / sizeof(zh_terms[0])};

/* ASCII lower case of c. */
static int i18n_lower(int c) {
  return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Does [p, p+n) equal word, ignoring ASCII case? */
static bool i18n_is(const char *p, size_t n, const char *word) {
  size_t i;
  if (strlen(word) != n) {
    return false;
  }
  for (i = 0; i < n; i++) {
    if (i18n_lower((unsigned char)p[i]) != word[i]) {
      return false;
    }
  }
  return true;
}

bool i18n_lang_of_tag(const char *tag, size_t n, enum i18n_lang *out) {
  size_t i, start;
  if (tag == NULL) {
    return false;
  }
  if (n == 1 && tag[0] == '*') {
    *out = I18N_EN;
    return true;
  }
  if (n < 2 || (n > 2 && tag[2] != '-')) {
    return false;
  }
  if (i18n_is(tag, 2, "en")) {
    *out = I18N_EN;
    return true;
  }
  if (!i18n_is(tag, 2, "zh")) {
    return false;
  }
  /* Any subtag naming the Traditional script or a region that writes it
  ** makes the tag one we do not serve. */
  for (start = 3; start < n; start = i + 1) {
    for (i = start; i < n && tag[i] != '-'; i++) {
    }
    if (i18n_is(tag + start, i - start, "hant") ||
        i18n_is(tag + start, i - start, "tw") ||
        i18n_is(tag + start, i - start, "hk") ||
        i18n_is(tag + start, i - start, "mo")) {
      return false;
    }
  }
  *out = I18N_ZH;
  return true;
}

/* Parse a q-value ("1", "0.8", "0.125") at p, n bytes, into thousandths;
** -1 when malformed. */
static int i18n_qvalue(const char *p, size_t n) {
  int q, scale = 100;
  size_t i;
  if (n == 0 || (p[0] != '0' && p[0] != '1')) {
    return -1;
  }
  q = (p[0] - '0') * 1000;
  if (n == 1) {
    return q;
  }
  if (p[1] != '.' || n > 5) {
    return -1;
  }
  for (i = 2; i < n; i++) {
    if (p[i] < '0' || p[i] > '9') {
      return -1;
    }
    q += (p[i] - '0') * scale;
    scale /= 10;
  }
  return q > 1000 ? -1 : q;
}

/* Is c optional white space (OWS)? */
static bool i18n_ows(char c) {
  return c == ' ' || c == '\t';
}

enum i18n_lang i18n_negotiate(const char *h) {
  enum i18n_lang best = I18N_EN;
  int best_q = 0;
  const char *p = h;
  while (p != NULL && *p != '\0') {
    const char *item = p, *end = strchr(p, ',');
    const char *tag_end, *semi;
    size_t len;
    int q = 1000;
    enum i18n_lang l;
    if (end == NULL) {
      end = p + strlen(p);
    }
    p = *end ? end + 1 : end;
    while (item < end && i18n_ows(*item)) {
      item++;
    }
    for (semi = item; semi < end && *semi != ';'; semi++) {
    }
    tag_end = semi;
    while (tag_end > item && i18n_ows(tag_end[-1])) {
      tag_end--;
    }
    len = (size_t)(tag_end - item);
    if (semi < end) {
      /* Only a q parameter is defined: ";q=0.5", white space allowed
      ** around the semicolon. */
      const char *v = semi + 1, *v_end = end;
      while (v < end && i18n_ows(*v)) {
        v++;
      }
      while (v_end > v && i18n_ows(v_end[-1])) {
        v_end--;
      }
      if (v_end - v < 2 || i18n_lower((unsigned char)v[0]) != 'q' ||
          v[1] != '=') {
        continue;
      }
      q = i18n_qvalue(v + 2, (size_t)(v_end - v - 2));
    }
    if (q <= 0 || !i18n_lang_of_tag(item, len, &l)) {
      continue;
    }
    if (q > best_q) {
      best_q = q;
      best = l;
    }
  }
  return best;
}

enum i18n_lang i18n_lang_arg(const char *tag) {
  enum i18n_lang l = I18N_EN;
  if (tag != NULL && !i18n_lang_of_tag(tag, strlen(tag), &l)) {
    l = I18N_EN;
  }
  return l;
}

const char *i18n_tag(enum i18n_lang l) {
  return l == I18N_ZH ? "zh-CN" : "en";
}

static bool i18n_translate_at(const struct i18n_catalog *c, const char *s,
                              const char *end, struct buf *out, int depth);

/* Does template pat match [s, end) exactly?  Fills caps[0..] with what
** the placeholders captured (n_caps of them so far). */
static bool i18n_match(const struct i18n_catalog *c, const char *pat,
                       const char *s, const char *end, struct i18n_cap *caps,
                       int n_caps, int depth) {
  while (*pat != '\0') {
    if (pat[0] == '%' && pat[1] == '%') {
      if (s >= end || *s != '%') {
        return false;
      }
      s++;
      pat += 2;
    } else if (pat[0] == '%' &&
               (pat[1] == 's' || pat[1] == 't' || pat[1] == 'm')) {
      const char *rest = pat + 2;
      const char *q = *rest == '\0' ? end : s + 1;
      if (n_caps >= I18N_MAX_CAPTURES || s >= end) {
        return false;
      }
      for (; q <= end; q++) {
        struct buf scratch;
        bool ok;
        caps[n_caps].p = s;
        caps[n_caps].n = (size_t)(q - s);
        caps[n_caps].kind = pat[1];
        caps[n_caps].depth = depth;
        if (!i18n_match(c, rest, q, end, caps, n_caps + 1, depth)) {
          continue;
        }
        if (pat[1] != 'm') {
          return true;
        }
        /* A nested message must translate (else try a longer capture). */
        buf_init(&scratch, 0);
        ok = i18n_translate_at(c, s, q, &scratch, depth + 1);
        buf_reset(&scratch);
        if (ok) {
          return true;
        }
      }
      return false;
    } else {
      if (s >= end || *s != *pat) {
        return false;
      }
      s++;
      pat++;
    }
  }
  return s == end;
}

/* Append one captured value: as is, as a term, or translated. */
static void i18n_put_cap(const struct i18n_catalog *c,
                         const struct i18n_cap *cap, struct buf *out) {
  size_t i;
  if (cap->kind == 't') {
    for (i = 0; i < c->n_terms; i++) {
      if (strlen(c->terms[i].en) == cap->n &&
          memcmp(c->terms[i].en, cap->p, cap->n) == 0) {
        buf_puts(out, c->terms[i].tr);
        return;
      }
    }
  } else if (cap->kind == 'm') {
    size_t len = out->len;
    if (i18n_translate_at(c, cap->p, cap->p + cap->n, out, cap->depth + 1)) {
      return;
    }
    out->len = len; /* cannot happen (checked when matched): keep it as is */
    if (out->data != NULL) {
      out->data[len] = '\0';
    }
  }
  buf_append(out, cap->p, cap->n);
}

/* Append translation tr with the captured values. */
static void i18n_fill(const struct i18n_catalog *c, const char *tr,
                      const struct i18n_cap *caps, int n_caps,
                      struct buf *out) {
  int next = 0;
  const char *p = tr;
  while (*p != '\0') {
    const char *pct = strchr(p, '%');
    if (pct == NULL) {
      buf_puts(out, p);
      return;
    }
    buf_append(out, p, (size_t)(pct - p));
    if (pct[1] == '%') {
      buf_putc(out, '%');
      p = pct + 2;
    } else if (pct[1] == 's') {
      if (next < n_caps) {
        i18n_put_cap(c, &caps[next++], out);
      }
      p = pct + 2;
    } else if (pct[1] >= '1' && pct[1] <= '9' && pct[2] == '$' &&
               pct[3] == 's') {
      int k = pct[1] - '1';
      if (k < n_caps) {
        i18n_put_cap(c, &caps[k], out);
      }
      p = pct + 4;
    } else {
      buf_putc(out, '%');
      p = pct + 1;
    }
  }
}

/* Number of placeholders of template pat. */
static int i18n_n_placeholders(const char *pat) {
  int n = 0;
  for (; *pat != '\0'; pat++) {
    if (pat[0] == '%' && pat[1] != '\0') {
      n += pat[1] == 's' || pat[1] == 't' || pat[1] == 'm';
      pat++;
    }
  }
  return n;
}

/* Translate [s, end) at nesting depth depth; appends and returns true when
** a template matched, appends nothing and returns false otherwise. */
static bool i18n_translate_at(const struct i18n_catalog *c, const char *s,
                              const char *end, struct buf *out, int depth) {
  struct i18n_cap caps[I18N_MAX_CAPTURES];
  size_t i;
  if (depth > I18N_MAX_DEPTH || s >= end ||
      (size_t)(end - s) > I18N_MAX_TEXT) {
    return false;
  }
  for (i = 0; i < c->n_messages; i++) {
    if (i18n_match(c, c->messages[i].en, s, end, caps, 0, depth)) {
      i18n_fill(c, c->messages[i].tr, caps,
                i18n_n_placeholders(c->messages[i].en), out);
      return true;
    }
  }
  return false;
}

bool i18n_translate(const struct i18n_catalog *c, const char *text,
                    struct buf *out) {
  size_t n = text != NULL ? strlen(text) : 0;
  if (c != NULL && i18n_translate_at(c, text, text + n, out, 0)) {
    return true;
  }
  if (n > 0) {
    buf_append(out, text, n);
  }
  return false;
}

void i18n_message(enum i18n_lang l, const char *text, struct buf *out) {
  i18n_translate(l == I18N_ZH ? &i18n_zh : NULL, text, out);
}

size_t i18n_catalog_size(enum i18n_lang l) {
  return l == I18N_ZH ? i18n_zh.n_messages + i18n_zh.n_terms : 0;
}
