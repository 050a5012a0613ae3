// i18n.js: every visible string of the interface, in English and
// Simplified Chinese, and the switch between them (remembered in
// localStorage).  t(key, ...args) replaces {0}, {1}, ... with args.  Texts
// named by docs/ui-testids.md (statuses, verdicts) are exact in English.

const STORE_KEY = 'hccstudy.lang';

const en = {
  'app.title': 'CHALLENGE-06 · hccstudy',
  'nav.label': 'Main', 'nav.dashboard': 'Dashboard', 'nav.patients': 'Patients', 'nav.queries': 'Queries',
  'nav.analysis': 'Analysis', 'nav.logout': 'Log out', 'nav.skip': 'Skip to content',
  'nav.exports': 'Exports',
  'exports.title': 'Exports', 'exports.forbidden': 'Exports are for the study staff, the data managers and the statisticians.',
  'exports.live': 'Live data (now)', 'exports.freezeOption': 'Freeze {0}: {1} ({2}, {3} patients)',
  'exports.liveNote': 'The data as they are now: the files change as data are entered.',
  'exports.freezeNote': 'Frozen at audit entry {0}, chain hash {1}…: the files are the same whenever you download them.',
  'exports.download': 'Download {0}', 'exports.oneFile': '(one XML file)', 'exports.archive': '(ZIP archive with manifest.json)',
  'exports.siteScoped': 'Your site\'s patients only.', 'exports.allSites': 'Every site\'s patients.',
  'exports.source': 'Data', 'exports.freezeTitle': 'Freeze the data',
  'exports.freezeHelp': 'A freeze keeps every casebook as it is now, under a label, for analyses and exports that must not change.',
  'exports.freezeLabel': 'Label', 'exports.freezeCreate': 'Freeze now',
  'login.title': 'Log in', 'login.study': 'CHALLENGE-06 cohort study (NCT07340502)', 'login.username': 'Username',
  'login.password': 'Password', 'login.submit': 'Log in', 'login.failed': 'Login failed.',
  'role.admin': 'admin', 'role.pi': 'pi', 'role.monitor': 'monitor', 'role.data_manager': 'data_manager',
  'role.statistician': 'statistician', 'role.coordinator': 'coordinator', 'role.investigator': 'investigator',
  'common.loading': 'Loading…', 'common.all': 'All', 'common.site': 'Site', 'common.status': 'Status',
  'common.cohort': 'Cohort', 'common.code': 'Patient', 'common.patient': 'Patient', 'common.lock': 'Lock',
  'common.locked': 'locked', 'common.unlocked': 'open', 'common.yes': 'yes', 'common.no': 'no',
  'common.cancel': 'Cancel', 'common.close': 'Close',
  'dash.title': 'Study dashboard', 'dash.enrolled': 'Enrolled', 'dash.target': 'Target', 'dash.screened': 'Screened',
  'dash.screenFailed': 'Screen failures', 'dash.overdue': 'Overdue visits', 'dash.openQueries': 'Open queries',
  'dash.chartTitle': 'Enrolment by site and cohort', 'dash.chartLabel': 'Enrolment: {0} of the target {1}, by site and cohort',
  'dash.all': 'All', 'dash.bySite': 'Sites',
  'dash.aeNote': 'Recent grade ≥ 3 adverse events are shown in each casebook timeline.',
  'dash.dueWeek': 'Visits due this week', 'dash.recentAes': 'Grade ≥ 3 adverse events, last 90 days',
  'dash.noAes': 'None in the last 90 days.', 'dash.aeOnset': 'Onset', 'dash.aePatient': 'Patient',
  'dash.aeTerm': 'Term', 'dash.aeGrade': 'Grade', 'dash.aeSerious': 'Serious', 'dash.yes': 'yes', 'dash.no': 'no',
  'patients.title': 'Patients', 'patients.new': 'Register a patient', 'patients.count': '{0} patients',
  'patients.openQueries': 'Open queries',
  'status.screening': 'screening', 'status.screen_failed': 'screen failed', 'status.enrolled': 'enrolled',
  'status.off_study': 'off study',
  'statusCode.screening': 'screening', 'statusCode.screen_failed': 'screen_failed', 'statusCode.enrolled': 'enrolled',
  'statusCode.off_study': 'off_study',
  'casebook.title': 'Casebook', 'casebook.back': 'All patients', 'casebook.notFoundTitle': 'Not found',
  'casebook.notFound': 'There is no patient {0} that you may see.', 'casebook.eligibility': 'Eligibility',
  'casebook.bor': 'Best overall response', 'casebook.pfs': 'Progression-free survival', 'casebook.os': 'Overall survival',
  'casebook.days': 'days', 'casebook.event': 'event', 'casebook.censored': 'censored', 'casebook.add': 'Add a record',
  'casebook.timeline': 'Timeline', 'casebook.empty': 'No records yet.', 'casebook.window': 'window',
  'casebook.start': 'start', 'casebook.targets': 'targets', 'casebook.grade': 'grade',
  'cat.treatment': 'treatment', 'cat.scan': 'scan', 'cat.ae': 'adverse event', 'cat.other': 'other',
  'visit.assessment': 'Assessment visit {0}', 'visit.survival': 'Survival contact {0}', 'visit.treatment': 'Treatment {0}',
  'window.done': 'done', 'window.early': 'early', 'window.late': 'late', 'window.missed': 'missed',
  'window.due': 'due', 'window.planned': 'planned', 'window.past': 'past',
  'sig.title': 'Signature', 'sig.status': 'Casebook:', 'sig.open': 'Sign the casebook', 'sig.password': 'Your password',
  'sig.meaning': 'Meaning of the signature', 'sig.defaultMeaning': 'I confirm that this casebook is complete and accurate.',
  'sig.submit': 'Sign', 'sig.signed': 'valid', 'sig.void': 'void',
  'sigCode.signed': 'signed', 'sigCode.void': 'void', 'sigCode.unsigned': 'unsigned',
  'queries.title': 'Queries', 'queries.none': 'No queries.', 'queries.raise': 'Raise a query',
  'queries.record': 'Record (optional)', 'queries.wholeCasebook': 'the whole casebook', 'queries.field': 'Field (optional)',
  'queries.text': 'Question', 'queries.submit': 'Raise', 'queries.count': '{0} queries', 'queries.id': 'Query',
  'queries.where': 'Record · field', 'queries.actions': 'Actions', 'queries.answer': 'Answer',
  'queries.answerLabel': 'Answer to query {0}', 'queries.answerBtn': 'Answer', 'queries.closeBtn': 'Close',
  'queries.answerEmpty': 'Write an answer first.',
  'qstatus.open': 'open', 'qstatus.answered': 'answered', 'qstatus.closed': 'closed',
  'form.save': 'Save', 'form.saveChange': 'Save the change', 'form.reason': 'Reason for the change',
  'form.locked': 'This casebook is locked: changes will be refused.',
  'form.noRecord': 'There is no record {0} in this casebook.', 'form.noKind': 'There is no record kind "{0}".',
  'form.notNumber': 'not a number: "{0}" (digits, one decimal point)', 'form.notInteger': 'a whole number is needed, not "{0}"',
  'form.fixNumbers': 'Not saved: a number field holds text (see the message next to it).',
  'history.show': 'history', 'history.record': 'Audit trail of the record', 'history.field': 'Audit trail of {0}',
  'history.none': 'No entries.', 'history.when': 'When (UTC)', 'history.who': 'Who', 'history.action': 'Action',
  'history.fieldCol': 'Field', 'history.old': 'Old value', 'history.new': 'New value', 'history.reason': 'Reason',
  'lesion.add.target': 'Add a target lesion', 'lesion.add.nontarget': 'Add a non-target lesion',
  'lesion.add.new': 'Add a new lesion', 'lesion.remove': 'Remove row {0}', 'lesion.removeCol': 'Remove',
  'elig.title': 'Eligibility (live)', 'elig.eligible': 'eligible', 'elig.not': 'not eligible', 'elig.incomplete': 'incomplete',
  'elig.childPugh': 'Child-Pugh score {0} (class {1})', 'elig.albi': 'ALBI score {0} (grade {1})',
  'elig.failed': 'Criteria not met:', 'elig.missing': 'Still missing:',
  'mrecist.title': 'mRECIST response (live)', 'mrecist.overall': 'Overall response', 'mrecist.sum': 'Sum of viable diameters:',
  'mrecist.changeBaseline': 'Change from baseline', 'mrecist.changeNadir': 'Change from nadir', 'mrecist.baseline': 'vs baseline',
  'mrecist.nadir': 'vs nadir', 'mrecist.target': 'target', 'mrecist.nontarget': 'non-target', 'mrecist.new': 'new lesion',
  'mrecist.bor': 'Best overall response so far: {0}',
  'mrecist.needBaseline': 'The enrolment and the baseline scan must be saved first.',
  'mrecist.needDate': 'Enter the scan date to see the response.',
  'analysis.title': 'Analysis', 'analysis.forbidden': 'The analysis is for the principal investigator and the statisticians.',
  'analysis.unavailable': 'Not available yet.', 'analysis.kmTitle': '{0}: Kaplan-Meier curves by cohort',
  'analysis.km': '{0} Kaplan-Meier curves by cohort, {1}', 'analysis.crude': 'crude', 'analysis.iptw': 'IPTW-adjusted',
  'analysis.summary': 'Summary: log-rank, hazard ratios, ORR and DCR', 'analysis.waterfall': 'Waterfall: best % change in viable tumour size',
  'analysis.swimmer': 'Swimmer plot: time on treatment and responses', 'analysis.forest': 'Forest plot of hazard ratios',
  'analysis.ae': 'Adverse events by grade and cohort', 'analysis.quantity': 'Quantity', 'analysis.value': 'Value',
  'analysis.logrank': 'log-rank test', 'analysis.coxCrude': 'Cox HR HAIC vs TACE, crude (95% CI)',
  'analysis.coxIptw': 'Cox HR HAIC vs TACE, IPTW (95% CI)', 'analysis.events': 'events', 'analysis.test': 'Test',
  'analysis.result': 'Result', 'analysis.detail': 'Observed / expected events, n', 'analysis.orr': 'ORR (exact 95% CI)',
  'analysis.population': 'Analysis population: {0} (n = {1}; {2} enrolled left out).',
  'analysis.pop.enrolled_eligible': 'enrolled patients eligible at screening', 'analysis.pop.enrolled': 'every enrolled patient',
  'analysis.dcr': 'DCR (exact 95% CI)', 'analysis.noAe': 'no AE', 'analysis.grade': 'grade {0}',
  'analysis.aeNote': 'Patients by their worst CTCAE grade.',
  'lock.title': 'Casebook lock', 'lock.lock': 'Lock the casebook', 'lock.unlock': 'Unlock the casebook',
  'sdv.mark': 'Mark source data verified', 'sdv.done': 'Source data verified',
  'sdv.again': 'Verify again', 'sdv.by': 'Source data verified by {0} on {1} (version {2}).',
  'sdv.stale': 'Verified by {0} at version {1}; changed since: verify again.', 'sdv.none': 'Not yet source-data verified.',
  'dash.sdv': 'SDV', 'dash.sdvTile': 'Source data verified',
};

const zh = {
  'app.title': 'CHALLENGE-06 · hccstudy',
  'nav.label': '主菜单', 'nav.dashboard': '概览', 'nav.patients': '患者', 'nav.queries': '质疑',
  'nav.analysis': '统计分析', 'nav.logout': '退出登录', 'nav.skip': '跳到正文',
  'nav.exports': '数据导出',
  'exports.title': '数据导出', 'exports.forbidden': '数据导出仅限研究人员、数据管理员和统计师。',
  'exports.live': '实时数据（当前）', 'exports.freezeOption': '冻结 {0}：{1}（{2}，{3} 例患者）',
  'exports.liveNote': '当前的数据：录入新数据后文件会变化。',
  'exports.freezeNote': '冻结于稽查记录 {0}，链哈希 {1}…：任何时候下载的文件都完全相同。',
  'exports.download': '下载 {0}', 'exports.oneFile': '（一个 XML 文件）', 'exports.archive': '（ZIP 压缩包，含 manifest.json）',
  'exports.siteScoped': '仅本中心的患者。', 'exports.allSites': '所有中心的患者。',
  'exports.source': '数据', 'exports.freezeTitle': '冻结数据',
  'exports.freezeHelp': '冻结会以一个标签保存此刻的全部病例，供不能改变的分析和导出使用。',
  'exports.freezeLabel': '标签', 'exports.freezeCreate': '立即冻结',
  'login.title': '登录', 'login.study': 'CHALLENGE-06 队列研究（NCT07340502）', 'login.username': '用户名',
  'login.password': '密码', 'login.submit': '登录', 'login.failed': '登录失败。',
  'role.admin': '管理员', 'role.pi': '主要研究者', 'role.monitor': '监查员', 'role.data_manager': '数据管理员',
  'role.statistician': '统计师', 'role.coordinator': '研究协调员', 'role.investigator': '研究者',
  'common.loading': '加载中…', 'common.all': '全部', 'common.site': '中心', 'common.status': '状态',
  'common.cohort': '队列', 'common.code': '患者', 'common.patient': '患者', 'common.lock': '锁定',
  'common.locked': '已锁定', 'common.unlocked': '未锁定', 'common.yes': '是', 'common.no': '否',
  'common.cancel': '取消', 'common.close': '关闭',
  'dash.title': '研究概览', 'dash.enrolled': '已入组', 'dash.target': '目标', 'dash.screened': '已筛选',
  'dash.screenFailed': '筛选失败', 'dash.overdue': '逾期访视', 'dash.openQueries': '未解决质疑',
  'dash.chartTitle': '各中心、各队列入组情况', 'dash.chartLabel': '入组：{0} / 目标 {1}，按中心和队列',
  'dash.all': '合计', 'dash.bySite': '各中心',
  'dash.aeNote': '近期 ≥3 级不良事件显示在每位患者的病例时间线中。',
  'dash.dueWeek': '本周应访视', 'dash.recentAes': '近 90 天 ≥3 级不良事件',
  'dash.noAes': '近 90 天无。', 'dash.aeOnset': '发生日期', 'dash.aePatient': '患者',
  'dash.aeTerm': '术语', 'dash.aeGrade': '分级', 'dash.aeSerious': '严重', 'dash.yes': '是', 'dash.no': '否',
  'patients.title': '患者', 'patients.new': '登记新患者', 'patients.count': '共 {0} 例患者',
  'patients.openQueries': '未解决质疑',
  'status.screening': '筛选中', 'status.screen_failed': '筛选失败', 'status.enrolled': '已入组', 'status.off_study': '已出组',
  'statusCode.screening': '筛选中', 'statusCode.screen_failed': '筛选失败', 'statusCode.enrolled': '已入组',
  'statusCode.off_study': '已出组',
  'casebook.title': '病例', 'casebook.back': '全部患者', 'casebook.notFoundTitle': '未找到',
  'casebook.notFound': '没有您可查看的患者 {0}。', 'casebook.eligibility': '入选资格',
  'casebook.bor': '最佳总体疗效', 'casebook.pfs': '无进展生存', 'casebook.os': '总生存',
  'casebook.days': '天', 'casebook.event': '事件', 'casebook.censored': '删失', 'casebook.add': '新增记录',
  'casebook.timeline': '时间线', 'casebook.empty': '尚无记录。', 'casebook.window': '窗口期',
  'casebook.start': '开始', 'casebook.targets': '个靶病灶', 'casebook.grade': '级别',
  'cat.treatment': '治疗', 'cat.scan': '影像', 'cat.ae': '不良事件', 'cat.other': '其他',
  'visit.assessment': '第 {0} 次评估访视', 'visit.survival': '第 {0} 次生存随访', 'visit.treatment': '第 {0} 次治疗',
  'window.done': '按时完成', 'window.early': '提前', 'window.late': '延迟', 'window.missed': '缺失',
  'window.due': '待完成', 'window.planned': '计划中', 'window.past': '已过期',
  'sig.title': '签名', 'sig.status': '病例：', 'sig.open': '签署病例', 'sig.password': '您的密码',
  'sig.meaning': '签名含义', 'sig.defaultMeaning': '我确认本病例完整、准确。',
  'sig.submit': '签名', 'sig.signed': '有效', 'sig.void': '已失效',
  'sigCode.signed': '已签名', 'sigCode.void': '已失效', 'sigCode.unsigned': '未签名',
  'queries.title': '质疑', 'queries.none': '没有质疑。', 'queries.raise': '发起质疑',
  'queries.record': '记录（可选）', 'queries.wholeCasebook': '整个病例', 'queries.field': '字段（可选）',
  'queries.text': '问题', 'queries.submit': '发起', 'queries.count': '共 {0} 条质疑', 'queries.id': '质疑',
  'queries.where': '记录 · 字段', 'queries.actions': '操作', 'queries.answer': '回复',
  'queries.answerLabel': '回复质疑 {0}', 'queries.answerBtn': '回复', 'queries.closeBtn': '关闭',
  'queries.answerEmpty': '请先填写回复。',
  'qstatus.open': '未解决', 'qstatus.answered': '已回复', 'qstatus.closed': '已关闭',
  'form.save': '保存', 'form.saveChange': '保存修改', 'form.reason': '修改原因',
  'form.locked': '本病例已锁定：修改将被拒绝。',
  'form.noRecord': '本病例中没有记录 {0}。', 'form.noKind': '没有记录类型“{0}”。',
  'form.notNumber': '不是数字：“{0}”（只能输入数字和一个小数点）', 'form.notInteger': '需要整数，而不是“{0}”',
  'form.fixNumbers': '未保存：有数字字段包含文字（见字段旁的提示）。',
  'history.show': '历史', 'history.record': '记录的稽查轨迹', 'history.field': '{0} 的稽查轨迹',
  'history.none': '没有条目。', 'history.when': '时间（UTC）', 'history.who': '操作人', 'history.action': '操作',
  'history.fieldCol': '字段', 'history.old': '原值', 'history.new': '新值', 'history.reason': '原因',
  'lesion.add.target': '添加靶病灶', 'lesion.add.nontarget': '添加非靶病灶',
  'lesion.add.new': '添加新病灶', 'lesion.remove': '删除第 {0} 行', 'lesion.removeCol': '删除',
  'elig.title': '入选资格（实时）', 'elig.eligible': '符合', 'elig.not': '不符合', 'elig.incomplete': '信息不全',
  'elig.childPugh': 'Child-Pugh 评分 {0}（{1} 级）', 'elig.albi': 'ALBI 评分 {0}（{1} 级）',
  'elig.failed': '未满足的标准：', 'elig.missing': '尚缺：',
  'mrecist.title': 'mRECIST 疗效（实时）', 'mrecist.overall': '总体疗效', 'mrecist.sum': '存活肿瘤直径之和：',
  'mrecist.changeBaseline': '较基线变化', 'mrecist.changeNadir': '较最低值变化', 'mrecist.baseline': '较基线',
  'mrecist.nadir': '较最低值', 'mrecist.target': '靶病灶', 'mrecist.nontarget': '非靶病灶', 'mrecist.new': '新病灶',
  'mrecist.bor': '目前最佳总体疗效：{0}',
  'mrecist.needBaseline': '请先保存入组记录和基线影像。',
  'mrecist.needDate': '请输入影像日期以查看疗效。',
  'analysis.title': '统计分析', 'analysis.forbidden': '统计分析仅供主要研究者和统计师查看。',
  'analysis.unavailable': '暂不可用。', 'analysis.kmTitle': '{0}：各队列 Kaplan-Meier 曲线',
  'analysis.km': '{0} 各队列 Kaplan-Meier 曲线，{1}', 'analysis.crude': '未校正', 'analysis.iptw': 'IPTW 校正',
  'analysis.summary': '汇总：log-rank 检验、风险比、ORR 与 DCR', 'analysis.waterfall': '瀑布图：存活肿瘤大小最佳变化百分比',
  'analysis.swimmer': '泳道图：治疗时间与疗效', 'analysis.forest': '风险比森林图',
  'analysis.ae': '各队列不良事件分级', 'analysis.quantity': '指标', 'analysis.value': '数值',
  'analysis.logrank': 'log-rank 检验', 'analysis.coxCrude': 'Cox 风险比 HAIC 对 TACE，未校正（95% CI）',
  'analysis.coxIptw': 'Cox 风险比 HAIC 对 TACE，IPTW（95% CI）', 'analysis.events': '事件数', 'analysis.test': '检验',
  'analysis.result': '结果', 'analysis.detail': '观察/期望事件数，例数', 'analysis.orr': 'ORR（精确 95% CI）',
  'analysis.population': '分析人群：{0}（n = {1}；{2} 例入组患者未纳入）。',
  'analysis.pop.enrolled_eligible': '筛选合格的入组患者', 'analysis.pop.enrolled': '全部入组患者',
  'analysis.dcr': 'DCR（精确 95% CI）', 'analysis.noAe': '无不良事件', 'analysis.grade': '{0} 级',
  'analysis.aeNote': '按最严重 CTCAE 分级统计的患者数。',
  'lock.title': '病例锁定', 'lock.lock': '锁定病例', 'lock.unlock': '解锁病例',
  'sdv.mark': '标记为已核对源数据', 'sdv.done': '已核对源数据',
  'sdv.again': '重新核对', 'sdv.by': '{0} 于 {1} 核对了源数据（版本 {2}）。',
  'sdv.stale': '{0} 核对的是版本 {1}；之后已修改，请重新核对。', 'sdv.none': '尚未核对源数据。',
  'dash.sdv': '源数据核对', 'dash.sdvTile': '已核对源数据',
};

// Record kinds and field labels in Chinese (English comes from the
// server's dictionary).
const zhKinds = {
  screening: '筛选', enrolment: '入组', baseline: '基线特征', baseline_scan: '基线肿瘤评估', assessment: '肿瘤评估（mRECIST）',
  tace: 'TACE 治疗', haic: 'HAIC 周期', pd1_dose: 'PD-1 抑制剂给药', lenvatinib: '仑伐替尼给药事件',
  adverse_event: '不良事件', lab: '实验室检查', new_therapy: '新的抗肿瘤治疗', survival_contact: '生存随访',
  death: '死亡', end_of_study: '研究结束',
};
const zhFields = {
  screening_date: '筛选日期', age: '年龄', bclc: 'BCLC 分期', extrahepatic_metastasis: '肝外转移',
  treatment_naive: '初治肝癌', child_pugh: 'Child-Pugh 指标', bilirubin_umol_l: '总胆红素', albumin_g_l: '白蛋白',
  inr: 'INR', ascites: '腹水', encephalopathy: '肝性脑病', ecog: 'ECOG 评分', severe_organ_disease: '重要器官严重疾病',
  decompensated_cirrhosis: '失代偿期肝硬化', other_malignancy: '合并其他恶性肿瘤', recurrent_hcc: '复发性肝癌',
  autoimmune_disease: '自身免疫性疾病', hypersensitivity: '对研究药物过敏', hiv: 'HIV 感染', active_hepatitis: '活动性病毒性肝炎',
  portal_vein_invasion: '门静脉侵犯', hepatic_vein_invasion: '肝静脉癌栓', ivc_invasion: '下腔静脉癌栓',
  consent_date: '知情同意日期', cohort: '队列（医生选择）', treatment_start: '治疗开始日期（索引日期）',
  eligibility_override: '筛选不合格仍入组（研究者决定）', override_reason: '例外入组原因',
  sex: '性别', aetiology: '病因', afp_ng_ml: '甲胎蛋白', pivka_mau_ml: 'PIVKA-II', tumour_number: '肝内肿瘤数目',
  largest_diameter_mm: '最大肿瘤直径', weight_kg: '体重', height_cm: '身高', date: '日期', modality: '检查方式',
  target: '靶病灶', nontarget: '非靶病灶', new_lesions: '新病灶', id: '病灶编号', organ: '器官', viable_mm: '存活直径',
  kind: '类型', status: '状态', site: '部位', diameter_mm: '最长径', typical: '典型肝癌强化方式', short_axis_mm: '淋巴结短径',
  cytology_positive: '积液细胞学阳性', equivocal: '不确定', technique: '技术', drugs: '化疗药物及剂量', lipiodol_ml: '碘油用量',
  regimen: '方案', oxaliplatin_mg_m2: '奥沙利铂', leucovorin_mg_m2: '亚叶酸钙', fluorouracil_mg_m2: '5-FU（推注+输注）',
  agent: 'PD-1 抑制剂', dose_mg: '剂量', action: '措施', schedule: '给药方案', reduction_level: '已减量次数',
  term: '术语（CTCAE v5.0 或自由文本）', meddra_code: 'MedDRA 编码', grade: 'CTCAE 分级', onset_date: '发生日期',
  resolution_date: '缓解日期', serious: '严重（ICH E2A）', sae_death: '导致死亡', sae_life_threatening: '危及生命',
  sae_hospitalisation: '住院或延长住院', sae_disability: '永久残疾', sae_medically_important: '重要医学事件',
  attribution_locoregional: '与 TACE/HAIC 的关系', attribution_pd1: '与 PD-1 抑制剂的关系', attribution_lenvatinib: '与仑伐替尼的关系',
  outcome: '转归', test: '检查项目', value: '结果', unit: '单位', type: '类型', detail: '详情', cause: '原因', reason: '原因',
};
const zhValues = {
  none: '无', mild: '轻度', moderate_severe: '中/重度', grade1_2: '1–2 级', grade3_4: '3–4 级', male: '男', female: '女',
  hbv: '乙肝', hcv: '丙肝', alcohol: '酒精', masld: 'MASLD', other: '其他', ct: 'CT', mri: 'MRI',
  absent: '消失', present: '存在', progression: '进展', not_evaluated: '未评估', ctace: 'cTACE', debtace: 'DEB-TACE',
  folfox: 'FOLFOX', start: '开始', interrupt: '暂停', resume: '恢复', reduce: '减量', discontinue: '停药',
  daily: '每日', every_other_day: '隔日', discontinued: '已停药', unrelated: '无关', unlikely: '可能无关',
  possible: '可能有关', probable: '很可能有关', definite: '肯定有关', interrupted: '暂停', reduced: '减量', withdrawn: '停用',
  recovered: '已恢复', recovering: '恢复中', not_recovered: '未恢复', recovered_with_sequelae: '恢复伴后遗症', fatal: '死亡',
  unknown: '未知', resection: '手术切除', transplant: '肝移植', ablation: '消融', radiotherapy: '放疗', systemic: '系统治疗',
  alive: '存活', dead: '死亡', disease_progression: '疾病进展', adverse_event: '不良事件', completed: '完成',
  death: '死亡', withdrawal: '撤回同意', lost_to_follow_up: '失访', study_terminated: '研究终止',
};

let current = 'en';
try {
  current = localStorage.getItem(STORE_KEY) === 'zh' ? 'zh' : 'en';
} catch (err) {
  current = 'en';
}

// The current language: 'en' or 'zh'.
export function lang() {
  return current;
}

// Switches the language and remembers it.
export function setLang(l) {
  current = l === 'zh' ? 'zh' : 'en';
  try {
    localStorage.setItem(STORE_KEY, current);
  } catch (err) {
    // private mode: not remembered
  }
}

// The text of key in the current language, {n} replaced by args[n].
export function t(key, ...args) {
  const table = current === 'zh' ? zh : en;
  let s = table[key];
  if (s === undefined) {
    s = en[key];
  }
  if (s === undefined) {
    s = key.slice(key.lastIndexOf('.') + 1);  // e.g. a new status code as is
  }
  return s.replace(/\{(\d+)\}/g, (m, i) => (args[i] === undefined ? m : String(args[i])));
}

// The title of a record kind (fallback: the dictionary's English title).
export function kindTitle(kind, fallback) {
  return current === 'zh' && zhKinds[kind] ? zhKinds[kind] : fallback || kind;
}

// The label of a field (fallback: the dictionary's English label).
export function fieldLabel(kind, name, fallback) {
  return current === 'zh' && zhFields[name] ? zhFields[name] : fallback || name;
}

// The label of an allowed value of an enum field.
export function valueLabel(field, value) {
  if (value === undefined || value === null) {
    return '';
  }
  if (current === 'zh' && zhValues[value]) {
    return zhValues[value];
  }
  return String(value).replace(/_/g, ' ');
}

// Units of measure in the interface's language: symbols (mm, g/L, umol/L)
// are the same in both; a unit that is a word is translated.
const zhUnits = { years: '岁', year: '岁', days: '天', day: '天', months: '月', weeks: '周' };
export function unitLabel(unit) {
  if (!unit) {
    return '';
  }
  return current === 'zh' && zhUnits[unit] ? zhUnits[unit] : unit;
}

// Eligibility criteria that are not field names, in Chinese.
const zhCriteria = { tumor_thrombus: '癌栓', child_pugh: 'Child-Pugh 分级' };

// The label of an eligibility criterion or of a missing input
// ("child_pugh.inr" -> the label of inr).
export function criterionLabel(name) {
  const s = String(name || '');
  if (current !== 'zh') {
    return s;
  }
  if (zhCriteria[s]) {
    return zhCriteria[s];
  }
  const leaf = s.slice(s.lastIndexOf('.') + 1);
  return zhFields[s] || zhFields[leaf] || s;
}
