"""The words of the domain in one place: role labels, role verbs, column headers,
field labels, brackets and the conventions documents state about roles.

Everything here is data. The clause finder, the table reader and the unit splitter
build their patterns from these lists, so a new wording is one line here. Entries
are written in Simplified characters: documents are folded (Traditional → Simplified,
full-width → ASCII letters and digits) before matching, see :mod:`policykg.text.textview`.

>>> role_of_label("牵头单位"), role_of_label("协办部门"), role_of_label("责任科室")
('lead', 'support', 'responsible')
>>> role_of_verb("按职责分工负责"), role_of_verb("指导"), role_of_verb("牵头负责")
('responsible', 'support', 'lead')
>>> bool(FIRST_LEADS_RE.search("列第一位者为牵头单位，下同"))
True
"""

from __future__ import annotations

import re

LEAD, SUPPORT, RESPONSIBLE = "lead", "support", "responsible"

#: the words a person writes for a role (a query parameter, a corrections file), in English
#: or as the documents write them
ROLE_NAMES: dict[str, str] = {
    "lead": LEAD, "support": SUPPORT, "responsible": RESPONSIBLE,
    "牵头": LEAD, "牵头单位": LEAD, "配合": SUPPORT, "配合单位": SUPPORT, "协助": SUPPORT,
    "责任": RESPONSIBLE, "责任单位": RESPONSIBLE, "负责": RESPONSIBLE,
}

# --- brackets ----------------------------------------------------------------
OPEN = "（(【〔[［〖「『〈"
CLOSE = "）)】〕]］〗」』〉"

# --- role labels (牵头单位：X) -----------------------------------------------------
#: the word before 单位/部门/… that gives a label its role; longest first where one
#: contains another (牵头责任 before 责任)
LABEL_STEMS: dict[str, str] = {
    "牵头责任": LEAD,
    "牵头负责": LEAD,
    "牵头协调": LEAD,
    "主要责任": LEAD,
    "牵头": LEAD,
    "主责": LEAD,
    "主办": LEAD,
    "主抓": LEAD,
    "配合责任": SUPPORT,
    "协同责任": SUPPORT,
    "协办责任": SUPPORT,
    "参与责任": SUPPORT,
    "配合": SUPPORT,
    "协助": SUPPORT,
    "协办": SUPPORT,
    "协同": SUPPORT,
    "协作": SUPPORT,
    "参与": SUPPORT,
    "参加": SUPPORT,
    "合": SUPPORT,  # a dropped character: 合部门 for 配合部门
    "责任": RESPONSIBLE,
    "负责": RESPONSIBLE,
    "实施": RESPONSIBLE,
    "承办": RESPONSIBLE,
    "落实": RESPONSIBLE,
    "承担": RESPONSIBLE,
}
#: what follows a label stem
LABEL_NOUNS = ("单位", "部门", "主体", "科室", "股室", "处室", "机构")
#: a word that may stand before a label without changing it (主要协作单位); 主要责任单位 is a
#: stem of its own (the lead)
LABEL_PREFIX = "主要"
#: role words that are labels by themselves when a colon follows (牵头：X)
BARE_LABELS: dict[str, str] = {"牵头": LEAD, "配合": SUPPORT, "协办": SUPPORT}

# --- role verbs (X牵头，Y配合; X负责) -------------------------------------------
#: verbs at the end of a unit list, by role; longest first within a role
ROLE_VERBS: dict[str, tuple[str, ...]] = {
    LEAD: ("牵头负责", "负责牵头", "牵头抓总", "牵头督导", "牵头推进", "牵头落实", "牵头实施", "牵头", "主办", "主责"),
    SUPPORT: ("配合", "协助", "协办", "参与", "协同", "指导"),
    RESPONSIBLE: ("负责落实", "负责实施", "组织实施", "具体实施", "负总责", "负主体责任", "负责", "落实", "承办", "实施"),
}
#: role words in running text (由X负责, X牵头, X配合, X要…): the lead and support words,
#: and the responsible ones as patterns (要 is not 要求; a pairing verb assigns work too)
PROSE_LEAD_WORDS = ("牵头",)
PROSE_SUPPORT_WORDS = ("配合", "协助", "参与", "协同", "协办")
PROSE_SUPPORT_PREFIXES = ("予以", "积极", "按职责分工", "按职责", "共同", "负责", "做好")
PROSE_RESPONSIBLE_PATTERNS = (
    "负责(?!人|同志)", "具体负责", "承担", "统筹", "要(?!求|点|素|害)", "应当", "应该", "须", "必须", "务必", "定期", "每年",
    "按要求", "按照", "参照", "根据", "结合", "加强", "做好", "落实", "各选派", "选派", "会同", "联合", "切实",
    "积极", "分别", "共同", "主动", "认真", "抓好", "督促", "具体实施", "组织实施", "实施", "具体承办", "承办",
    "(?:对口|结对|定点|挂钩)帮扶", "负总责", "负主体责任", "各司其职", "按职责", "保障", "依法", "派员",
    "将(?!来|近)", "应(?!急|用|对|届|收|付|邀|聘|有)", "于[^，,。；;]{1,14}?(?:之前|前)",
)
#: verbs that make the unit after 由 or 请 the one who acts (由县财政局拨付, 请二科研拟), where
#: a role verb is not used
ACTING_VERBS = ("统一", "安排", "编制", "拨付", "制定", "审核", "追责", "严肃", "研究", "研拟", "提出", "协调", "办理",
                "筹措", "确定", "出具", "开展", "汇总", "报送", "核实", "审查", "处理", "发布", "收集", "整理", "完成",
                "建立", "监督", "检查", "公布", "主动", "及时", "尽快", "于", "在", "按", "依", "对", "向", "洽", "签报",
                "牵头", "组织", "指导", "督促", "做好", "抓好", "推进", "跟进", "研提", "拟定", "起草", "草拟", "会商")
#: how a unit's duties open when the unit is named apart from them (统筹…。负责…。 then the unit)
DUTY_START_RE = re.compile(r"负责|统筹|承担|组织|指导|牵头|协调|参与|配合|做好|落实|拟订|拟定|制定|监督|管理|督促")
#: a role marker on one unit inside a list (县商务局（牵头）, 县城管局配合): the word and its role
UNIT_MARKERS: dict[str, str] = {"牵头": LEAD, "主办": LEAD, "配合": SUPPORT, "协助": SUPPORT, "协办": SUPPORT,
                                "参与": SUPPORT}
#: what may stand before a verb without changing its role (按职责分工负责, 分别牵头)
VERB_PREFIXES = ("按照职责分工", "按职责分工", "根据职责分工", "按照职责", "按职责", "根据职责", "分别", "共同",
                 "具体", "各自", "积极", "予以", "做好")

# --- table columns ------------------------------------------------------------
#: header text → column role; the first match wins, so specific headers come first
HEADER_ROLES: tuple[tuple[str, str], ...] = (
    (r"^(?:序号|编号|序|No\.?)$", "number"),
    (r"(?:单位|部门|科室).*(?:责任人|领导)$", "units"),  # 责任单位及责任人: units, each with a person
    (r"(?:评分|考核|考评|评价|督查|督办|监督)(?:责任)?(?:单位|部门|主体)", "assessor"),
    (r"^(?:责任人|联系人|负责人|责任人员|经办人)|(?:领导|责任人)$|领导(?:姓名|职务)", "person"),
    (r"(?:牵头|主责|主办)(?:责任|负责)?(?:单位|部门|科室|处室)", "lead"),
    (r"(?:配合|协办|协助|协同|参与|参加)(?:单位|部门|科室|处室)", "support"),
    (r"(?:责任|负责|实施|承办|主管|落实|承担)(?:单位|部门|主体|科室|处室)|^责任$|^责任分工$", "units"),
    (r"^(?:(?:19|20)\d{2})\s*年?度?$", "year"),
    (r"进度|时间|时限|节点|期限|季度|月份|计划安排|工作任务安排", "progress"),
    (r"^(?:计量)?单位$", "measure"),
    (r"^(?:年度|攻坚|阶段|年|工作)?目标(?:任务|值)?$", "target"),
    (r"项目名称|任务名称|事项名称|工作事项|具体任务|重点工作$|项目$|名称$|考核指标$|指标$", "title"),
    (r"工作任务|重点任务|主要任务|任务类别|类别|领域|分类|^任务$|考核项目|工作类别|板块", "group"),
    (r"内容|措施|要求|目标|举措|任务|工作", "content"),
    (r"备注|说明|完成情况|进展情况|落实情况|执行情况", "note"),
)
#: words that mark a row as a header row (two or more of them)
HEADER_WORDS = (
    "序号", "项目名称", "工作任务", "主要内容", "工作内容", "具体内容", "工作措施", "进度要求", "时间节点",
    "完成时限", "完成时间", "责任单位", "责任部门", "责任科室", "牵头单位", "牵头部门", "配合单位", "配合部门",
    "参与单位", "协办单位", "备注", "重点任务", "主要任务", "任务名称", "重点工作", "细化措施", "责任领导",
    "责任人", "评分部门", "考核单位", "考核指标", "考核内容", "考核项目", "年度目标", "目标任务", "具体措施",
    "工作目标", "完成情况", "时限要求", "类别", "指标",
)

# --- fields that are not units -----------------------------------------------------
#: labels of fields beside a unit list; a list stops at them
FIELD_LABELS = (
    "完成时限", "办结时限", "截止时限", "时限要求", "完成时间", "时间节点", "时间要求", "进度要求", "进度安排",
    "目标要求", "工作要求", "备注", "时限", "期限",
)
#: labels of fields that name people (a 责任人 is a person, never a unit)
PERSON_FIELDS = ("牵头负责领导", "分管省领导", "分管市领导", "分管县领导", "分管领导", "责任领导", "牵头领导", "包保领导",
                 "联系领导", "责任人", "联系人", "负责人")
#: fields beside a task that are neither units nor people
OTHER_FIELDS = ("联系电话", "联系方式", "电话")
#: of those, the ones whose text is a deadline or progress requirement (a milestone)
DEADLINE_FIELDS = ("完成时限", "办结时限", "截止时限", "时限要求", "完成时间", "时间节点", "时间要求", "进度要求",
                   "进度安排", "时限", "期限")

# --- text that assigns no work -----------------------------------------------------
#: what follows a unit in a formula that is not a task: 由X负责解释
NOT_WORK_RE = re.compile(r"\s*(?:负责)?(?:解释|释义)")
#: the title of a boxed panel (专栏3 …): it lists projects and the parties mobilised, not assignments
BOX_TITLE_RE = re.compile(r"^\s*专栏\s*[\d一二三四五六七八九十]+")
#: sections that state goals, principles or scope; their text is not read for prose tasks
NON_TASK_SECTIONS = ("总体要求", "指导思想", "基本原则", "工作原则", "重大意义", "总体目标", "发展目标", "工作目标",
                     "主要目标", "试点目标", "试点范围", "适用范围", "编制依据", "目标要求")
#: endings of subjects that name a kind of department, not a unit (住房城乡建设主管部门)
GENERIC_SUBJECT_END = ("主管部门", "行政主管部门", "主管机关")
#: collectives that name no body but are assigned work all the same (各地要…)
COLLECTIVE_SUBJECTS = ("各地", "各地区", "地方各级", "各级各部门", "各地各部门", "各地各有关部门")

# --- headings that name who owns the work below them ---------------------------------
#: the posts of leaders who own a group of tasks (王志刚县长负责的工作)
LEADER_POSTS = ("常务副省长", "副省长", "省长", "常务副市长", "副市长", "市长", "常务副县长", "副县长", "县长",
                "常务副区长", "副区长", "区长", "副镇长", "镇长", "副乡长", "乡长", "副书记", "书记", "副主任", "主任",
                "副秘书长", "秘书长")
#: 县审计局牵头的工作 / 陈立新常务副市长牵头重点工作 / 王志刚县长负责的工作
OWNER_HEADING_RE = re.compile(
    r"^(?P<who>[^，,。；;：:（(、\s]{2,30}?)(?P<verb>牵头|负责|主抓|分管|联系)(?:的)?(?:重点)?(?:工作|事项|任务)(?:清单)?[。:：]?$"
)
OWNER_ROLES = {"牵头": LEAD, "主抓": LEAD, "负责": RESPONSIBLE}
#: a heading that is only a unit's name, perhaps with its other names in a bracket:
#: （二）招商服务局（行政审批局） over the unit's own tasks
UNIT_HEADING_RE = re.compile(r"^(?P<who>[^，,。；;：:（(、\s]{2,20})(?:[（(][^（）()]{1,40}[)）])?[：:]?$")

# --- conventions ------------------------------------------------------------------
#: "the first unit listed leads", in its many wordings
FIRST_LEADS_RE = re.compile(
    r"(?:排|列|位列|名列)?(?:在|于)?(?:第一位?|首位|第一个|首个)(?:责任)?(?:的|者)?(?:单位|部门)?(?:的|者)?"
    r"(?:为|是|作为|系)(?:工作)?(?:牵头|主办|主责)"
)
#: "with no lead named, the responsible units lead": 无牵头单位的，责任单位即为牵头单位
RESPONSIBLE_LEADS_RE = re.compile(r"(?:无|没有|未列|未明确)牵头(?:单位|部门)的?[，,]?(?:其?责任(?:单位|部门))(?:即|均|就)?(?:为|是|作为)牵头")
#: "the others support"
OTHERS_SUPPORT_RE = re.compile(r"(?:其他|其余|其它)(?:单位|部门)?(?:为|是|作为)(?:配合|协办|参与)")
#: a note that a unit is responsible for every task below without being listed again:
#: 以下均需X落实，不再列出
STANDING_NOTE_RE = re.compile(
    r"(?:以下|各项|所有|上述)[^，,。；;]{0,8}?(?:均|都|皆)(?:需|须|由|需要)?(?P<units>[^，,。；;]{2,40}?)(?:负责落实|负责|落实|承担)"
    r"[^。；;]{0,6}?(?:不再|不另|不一一)(?:逐项|单独|一一)?(?:列出|单列|列明|标注)"
)


def _alternatives(words: tuple[str, ...] | list[str]) -> str:
    return "|".join(map(re.escape, sorted(words, key=len, reverse=True)))


def _spaced(words: tuple[str, ...] | list[str]) -> str:
    """Alternatives that also match with spaces between the characters (联 系 人)."""
    return "|".join(r"\s*".join(map(re.escape, w)) for w in sorted(words, key=len, reverse=True))


#: a role label: 牵头单位 / 配合部门 / 责任科室 …
LABEL_WORD = rf"(?:{LABEL_PREFIX})?(?:{_alternatives(list(LABEL_STEMS))})(?:{_alternatives(LABEL_NOUNS)})"
#: a label followed by a colon, a bare role word with a colon, or a label set in 【】 without one
LABEL_RE = re.compile(
    rf"(?P<label>{LABEL_WORD}|{_alternatives(list(BARE_LABELS))})\s*[:：]|(?<=【)\s*(?P<blabel>{LABEL_WORD})\s*】"
)
#: a field label and its colon (a person field also with a mistyped ；)
FIELD_LABEL_RE = re.compile(
    rf"(?:{_spaced(FIELD_LABELS + OTHER_FIELDS)})\s*[:：]|(?:{_spaced(PERSON_FIELDS)})\s*[:：;；]"
)
#: a person field and the names after it
PERSON_FIELD_RE = re.compile(rf"(?:{_spaced(PERSON_FIELDS)})\s*[:：;；]\s*(?P<names>[^\n。；;）)〕】]*)")
#: a deadline field: 完成时限：2023年底前
DEADLINE_FIELD_RE = re.compile(rf"(?P<field>{_alternatives(DEADLINE_FIELDS)})\s*[:：]\s*(?P<value>[^\n。；;]*)")
_VERB_ROLE = {v: role for role, verbs in ROLE_VERBS.items() for v in verbs}
#: a role verb (with its optional prefix) at the end of a unit list
VERB_END_RE = re.compile(
    rf"(?:{_alternatives(VERB_PREFIXES)})?(?P<verb>{_alternatives(list(_VERB_ROLE))})(?:工作)?$"
)
_HEADER_ROLES = tuple((re.compile(p), role) for p, role in HEADER_ROLES)
#: a leader named with a post: 王志刚县长, 陈立新常务副市长
PERSON_POST_RE = re.compile(rf"^(?P<name>[\u4e00-\u9fff]{{2,4}}?)(?:同志)?(?:{_alternatives(LEADER_POSTS)})$")
#: a text without any of these words holds no clause (checked before building a spaCy Doc)
CLAUSE_HINT_RE = re.compile(
    rf"{LABEL_WORD}|{_alternatives(list(BARE_LABELS))}|{_alternatives(list(_VERB_ROLE))}|{_alternatives(list(UNIT_MARKERS))}"
    # a bracket that ends with a unit's name: perhaps a bare list of units
    r"|[（(〔【][^（）()〔〕【】]{1,300}?(?:局|委|厅|办|部|府|中心|公司|院|会|社|所|站|队|组|室)[）)〕】]"
)
PROSE_LEAD_RE = re.compile(_alternatives(PROSE_LEAD_WORDS))
PROSE_SUPPORT_RE = re.compile(
    rf"(?:{_alternatives(PROSE_SUPPORT_PREFIXES)})?(?:{_alternatives(PROSE_SUPPORT_WORDS)})"
)
PROSE_RESPONSIBLE_RE = re.compile("|".join(PROSE_RESPONSIBLE_PATTERNS))
#: 县商务局（牵头）/ 县商务局牵头 / 县城管局配合负责 at the end of a list item
UNIT_MARKER_RE = re.compile(rf"(?:[（(]\s*)?({_alternatives(list(UNIT_MARKERS))})(?:\s*[)）])?(?:负责)?$")
HEADER_WORD_RE = re.compile(_alternatives(HEADER_WORDS))
ACTING_VERB_RE = re.compile(_alternatives(ACTING_VERBS))


def label_of(m: re.Match[str]) -> str:
    """The label word of a :data:`LABEL_RE` match."""
    return m.group("label") or m.group("blabel")


def role_of_label(label: str) -> str:
    """The role a label names (责任单位 → responsible)."""
    label = label.strip()
    if label.startswith(LABEL_PREFIX) and not any(label.startswith(s) for s in LABEL_STEMS):
        label = label[len(LABEL_PREFIX):]
    if label in BARE_LABELS:
        return BARE_LABELS[label]
    for stem, role in LABEL_STEMS.items():
        if label.startswith(stem):
            return role
    return RESPONSIBLE


def role_of_verb(verb: str) -> str | None:
    """The role a verb phrase at the end of a unit list gives, or ``None``."""
    m = VERB_END_RE.search(verb)
    return _VERB_ROLE[m.group("verb")] if m and m.start() == 0 else None


def header_role(text: str) -> str:
    """Role of a table column from its header text ('' when empty).

    >>> header_role("责任单位"), header_role("2019年"), header_role("主要内容"), header_role("责任领导")
    ('units', 'year', 'content', 'person')
    >>> header_role("评分部门"), header_role("单位")
    ('assessor', 'measure')
    """
    t = re.sub(r"\s+", "", text)
    t = re.sub(r"[（(][^（）()]*[）)]", "", t) or t  # 责任单位（排在第一位的为牵头单位）
    if not t:
        return ""
    for rx, role in _HEADER_ROLES:
        if rx.search(t):
            return role
    return "other"
