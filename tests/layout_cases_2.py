"""More layouts beyond the samples (a second review): 一是/二是 parts, labels before items,
【牵头单位】 without colon, merged and continued tables in docx and PDF, role phrases in running
text, 同上 cells, first-listed-leads notes. Written by hand with the units FORMAT.md expects.
Used by tests/test_layouts.py. Cases known to fail are listed in KNOWN_OPEN (none now)."""

"""Second review of layouts beyond the samples: synthetic documents written by hand
(none of the layouts of tests/layout_cases.py repeated), each with the units a reader
following tests/golden/FORMAT.md expects.

Same shape as tests/layout_cases.py: a CASES list built with
case(name, layout, text, expected, html=False, extra=None).

For Word and PDF cases ``text`` is a spec, not a text: ``extra["format"]`` is "docx"
or "pdf" and :func:`build_file` writes the file from the spec (python-docx /
reportlab). A spec is a list of ("p", paragraph) and ("table", rows, merges) where
merges is a list of (row0, col0, row1, col1) rectangles (docx) — for PDF, rows may
hold None for a cell merged with the one above, and ("pagebreak",) starts a page.
"""

# Each case: name, layout, text (or html, or a docx/pdf spec), expected: list of (anchor, {role: [units]})
T = "\t"
CASES = []
def case(name, layout, text, expected, html=False, extra=None):
    CASES.append(dict(name=name, layout=layout, text=text, expected=expected, html=html, extra=extra or {}))


# ---------------------------------------------------------------------------------------------
# builders for docx / pdf specs
def build_file(c, path):
    """Write the docx/pdf of case ``c`` to ``path`` (a pathlib.Path without suffix); return the file."""
    fmt = c["extra"]["format"]
    out = path.with_suffix("." + fmt)
    (_build_docx if fmt == "docx" else _build_pdf)(c["text"], out)
    return out


def _build_docx(spec, out):
    import docx
    d = docx.Document()
    for item in spec:
        if item[0] == "p":
            d.add_paragraph(item[1])
        elif item[0] == "table":
            rows, merges = item[1], item[2]
            t = d.add_table(rows=len(rows), cols=max(len(r) for r in rows))
            t.style = "Table Grid"
            for i, r in enumerate(rows):
                for j, v in enumerate(r):
                    if v:
                        t.cell(i, j).text = v
            for r0, c0, r1, c1 in merges:
                keep = t.cell(r0, c0).text
                m = t.cell(r0, c0).merge(t.cell(r1, c1))
                m.text = keep
        elif item[0] == "pagebreak":
            d.add_page_break()
    d.save(str(out))


def _build_pdf(spec, out):
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    body = ParagraphStyle("b", fontName="STSong-Light", fontSize=12, leading=18, wordWrap="CJK")
    cell = ParagraphStyle("c", fontName="STSong-Light", fontSize=10, leading=13, wordWrap="CJK")
    story = []
    for item in spec:
        if item[0] == "p":
            story.append(Paragraph(item[1], body))
        elif item[0] == "pagebreak":
            story.append(PageBreak())
        elif item[0] == "table":
            rows, widths = item[1], item[2]
            data = [[Paragraph(v, cell) if v else "" for v in r] for r in rows]
            style = [("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP")]
            for i, r in enumerate(rows):  # None below a filled cell: merged with it
                for j, v in enumerate(r):
                    if v is None:
                        k = i
                        while k > 0 and rows[k - 1][j] is None:
                            k -= 1
                        if k > 0:
                            style.append(("SPAN", (j, k - 1), (j, i)))
            story.append(Table(data, colWidths=widths, repeatRows=item[3] if len(item) > 3 else 0, style=TableStyle(style)))
    SimpleDocTemplate(str(out), pagesize=A4).build(story)


# =============================================================================================
# A. enumerations and labels in running text

# D01 一是/二是/三是 inside one paragraph, a label after each clause
case("D01", "一是/二是/三是 in one paragraph, （牵头单位：…）after each", """某某县农村寄递物流体系建设实施方案
一、重点任务
（一）完善县乡村三级物流网络。一是建设县级共配中心，整合邮政、快递企业分拣资源。（牵头单位：县商务局；配合单位：县邮政分公司）二是改造乡镇寄递站点，实现乡镇全覆盖。（牵头单位：县邮政分公司；配合单位：各乡镇人民政府）三是发展村级寄递服务点。（牵头单位：县供销社）
（二）推动农村电商发展。培育农村电商带头人200名。（牵头单位：县商务局；配合单位：县人力资源社会保障局、团县委）
""", [
    ("建设县级共配中心", {"lead": ["县商务局"], "support": ["县邮政分公司"]}),
    ("改造乡镇寄递站点", {"lead": ["县邮政分公司"], "support": ["各乡镇人民政府"]}),
    ("发展村级寄递服务点", {"lead": ["县供销社"]}),
    ("培育农村电商带头人200名", {"lead": ["县商务局"], "support": ["县人力资源社会保障局", "团县委"]}),
])

# D02 一是…；二是… as prose subjects: X牵头 inside each clause
case("D02", "一是…二是… clauses with prose X牵头/X负责 each", """某某县2023年安全生产大排查工作方案
二、排查重点
一是道路交通领域，由县公安局交警大队牵头，县交通运输局配合，重点整治货车超限超载。二是建筑施工领域，由县住房城乡建设局负责，重点排查深基坑、高支模等危大工程。三是消防领域，县消防救援大队负责对人员密集场所开展检查。
""", [
    ("道路交通领域", {"lead": ["县公安局交警大队"], "support": ["县交通运输局"]}),
    ("建筑施工领域", {"responsible": ["县住房城乡建设局"]}),
    ("消防领域", {"responsible": ["县消防救援大队"]}),
])

# D03 【牵头单位】… without a colon, label before the item text
case("D03", "【牵头单位】X【配合单位】Y before the item text (no colon)", """某某县义务教育优质均衡发展攻坚方案
三、主要任务
1.【牵头单位】县教育局【配合单位】县财政局、县住房城乡建设局
新建城区第三小学，新增学位1800个。
2.【牵头单位】县教育局【配合单位】县人力资源社会保障局、县委编办
补充配齐音体美专任教师120名。
3.【责任单位】县卫生健康局　完善中小学校卫生室建设。
""", [
    ("新建城区第三小学", {"lead": ["县教育局"], "support": ["县财政局", "县住房城乡建设局"]}),
    ("补充配齐音体美专任教师", {"lead": ["县教育局"], "support": ["县人力资源社会保障局", "县委编办"]}),
    ("完善中小学校卫生室建设", {"responsible": ["县卫生健康局"]}),
])

# D04 责任单位：… on the line BEFORE each numbered item
case("D04", "责任单位：… line before each numbered item", """某某县城乡供水一体化工作方案
二、工作任务
责任单位：县水利局、县财政局
1.实施县城第二水厂扩建工程，日供水能力提升至5万吨。
责任单位：县水利局、各乡镇人民政府
2.推进农村集中供水管网延伸，2024年底前农村自来水普及率达到95%。
责任单位：县卫生健康局
3.建立城乡供水水质检测制度，每月公布检测结果。
""", [
    ("实施县城第二水厂扩建工程", {"responsible": ["县水利局", "县财政局"]}),
    ("推进农村集中供水管网延伸", {"responsible": ["县水利局", "各乡镇人民政府"]}),
    ("建立城乡供水水质检测制度", {"responsible": ["县卫生健康局"]}),
])

# D05 X为牵头单位，Y为配合单位 / X、Y分别牵头
case("D05", "X为牵头单位，Y为配合单位 / X、Y分别牵头", """某某县创建国家卫生县城工作方案
二、职责分工
（一）城区环境卫生整治。县城市管理局为牵头单位，县住房城乡建设局、城关镇人民政府为配合单位。
（二）病媒生物防制。县卫生健康局为责任单位，负责组织开展灭鼠、灭蚊、灭蝇、灭蟑工作。
（三）食品安全和公共场所监管。县市场监管局、县卫生健康局分别牵头，县公安局配合。
""", [
    ("城区环境卫生整治", {"lead": ["县城市管理局"], "support": ["县住房城乡建设局", "城关镇人民政府"]}),
    ("病媒生物防制", {"responsible": ["县卫生健康局"]}),
    ("食品安全和公共场所监管", {"lead": ["县市场监管局", "县卫生健康局"], "support": ["县公安局"]}),
])

# D06 1. item with (1)(2) sub-items; the item itself carries the lead, sub-items their own labels
case("D06", "1. item with its own label, then （1）（2）sub-items with labels", """某某县交通强县建设三年行动方案
二、重点任务
（一）完善综合交通网络
1.加快国省干线提质改造。到2025年完成国省道改造80公里。（牵头单位：县交通运输局）
（1）推进G205线城区段改线工程，2024年底前建成通车。（责任单位：县交通运输局、县自然资源局）
（2）实施S312线路面改造，同步完善安防设施。（责任单位：县交通运输局、县公安局交警大队）
2.提升农村公路通达水平。新改建农村公路150公里。（牵头单位：县交通运输局；配合单位：各乡镇人民政府）
""", [
    ("加快国省干线提质改造", {"lead": ["县交通运输局"]}),
    ("推进G205线城区段改线工程", {"responsible": ["县交通运输局", "县自然资源局"]}),
    ("实施S312线路面改造", {"responsible": ["县交通运输局", "县公安局交警大队"]}),
    ("提升农村公路通达水平", {"lead": ["县交通运输局"], "support": ["各乡镇人民政府"]}),
])

# D07 full-width digits, full-width spaces, indentation with U+3000
case("D07", "full-width digits （１．） and U+3000 indentation", """某某县全民健身设施补短板工作方案
　　一、主要任务
　　（一）完善健身设施网络
　　１．新建社区多功能运动场８个，２０２３年底前完成。（责任单位：县文化广电旅游体育局、城关镇人民政府）
　　２．推进学校体育场地向社会开放。（牵头单位：县教育局；配合单位：县文化广电旅游体育局）
　　（二）丰富群众赛事活动
　　（１）举办全县农民运动会。（责任单位：县文化广电旅游体育局、县农业农村局）
""", [
    ("新建社区多功能运动场", {"responsible": ["县文化广电旅游体育局", "城关镇人民政府"]}),
    ("推进学校体育场地向社会开放", {"lead": ["县教育局"], "support": ["县文化广电旅游体育局"]}),
    ("举办全县农民运动会", {"responsible": ["县文化广电旅游体育局", "县农业农村局"]}),
], extra={"milestones": {"新建社区多功能运动场": "2023"}})

# D08 各有关单位按职责分工负责 closings, in prose and in a label
case("D08", "按职责分工负责 closings (prose and label)", """某某县优化法治化营商环境工作方案
二、工作措施
1.规范涉企行政检查，推行"综合查一次"。（责任单位：县司法局，县直各有关单位按职责分工负责）
2.清理涉企违规收费。由县发展和改革局、县市场监管局按职责分工负责。
三、工作要求
各有关单位按职责分工负责，确保各项措施落地见效。
""", [
    ("规范涉企行政检查", {"responsible": ["县司法局", "县直各有关单位"]}),
    ("清理涉企违规收费", {"responsible": ["县发展和改革局", "县市场监管局"]}),
    ("各有关单位按职责分工负责，确保", {"responsible": ["各有关单位"]}),
])

# D09 units with brackets and unusual forms: 县委（县政府）督查室, 团县委, 县融媒体中心, 县税务局
case("D09", "units 县委（县政府）督查室, 团县委, 县融媒体中心, 县税务局 in labels and prose", """某某县"我为群众办实事"工作方案
二、工作任务
1.开展政策宣讲进村入户活动。（牵头单位：县委宣传部；配合单位：县融媒体中心、团县委、县妇联）
2.推行减税降费政策直达快享。（责任单位：县税务局、县财政局）
3.建立办实事台账，每月通报进展。由县委（县政府）督查室负责跟踪督办。
4.开展青年志愿服务活动。团县委牵头，县文明办、县民政局配合。
""", [
    ("开展政策宣讲进村入户活动", {"lead": ["县委宣传部"], "support": ["县融媒体中心", "团县委", "县妇联"]}),
    ("推行减税降费政策直达快享", {"responsible": ["县税务局", "县财政局"]}),
    ("建立办实事台账", {"responsible": ["县委（县政府）督查室"]}),
    ("开展青年志愿服务活动", {"lead": ["团县委"], "support": ["县文明办", "县民政局"]}),
])

# D10 （X牵头负责）/（X负责，Y配合）/（X牵头，各有关单位配合）at the end of items
case("D10", "trailing （X负责，Y配合） / （X牵头负责） with collective units", """某某县消防安全专项整治方案
二、整治任务
（一）整治电动自行车违规充电问题，推广集中充电设施。（县消防救援大队牵头负责，各乡镇人民政府配合）
（二）排查"三合一"场所，逐一建立台账。（县应急管理局负责，县直各有关单位配合）
（三）开展消防安全宣传"五进"活动。（县消防救援大队、县融媒体中心负责）
""", [
    ("整治电动自行车违规充电问题", {"lead": ["县消防救援大队"], "support": ["各乡镇人民政府"]}),
    ("排查", {"responsible": ["县应急管理局"], "support": ["县直各有关单位"]}),
    ("开展消防安全宣传", {"responsible": ["县消防救援大队", "县融媒体中心"]}),
])

# D11 slash and space separators inside a label list
case("D11", "units separated by ／ or / and by spaces", """某某县稳就业工作方案
一、重点任务
1.开发城乡公益性岗位500个。（责任单位：县人力资源社会保障局／县财政局）
2.开展高校毕业生就业见习。（责任单位：县人社局/县教育局/团县委）
3.推进返乡创业园建设。（责任单位：县人社局 县工业和信息化局 县自然资源局）
""", [
    ("开发城乡公益性岗位500个", {"responsible": ["县人力资源社会保障局", "县财政局"]}),
    ("开展高校毕业生就业见习", {"responsible": ["县人社局", "县教育局", "团县委"]}),
    ("推进返乡创业园建设", {"responsible": ["县人社局", "县工业和信息化局", "县自然资源局"]}),
])

# D12 a label list wrapped so that a line ends inside a unit name that itself looks complete
case("D12", "label list wrapped inside 县农业农村局 / 团县委 (line ends like a unit)", """某某县乡村人才振兴工作方案
一、重点任务
1.实施高素质农民培育计划，每年培训1000人。（牵头单位：县农业农村
局；配合单位：县人力资源社会保障局、县财政局）
2.开展青年返乡创业大赛。（牵头单位：团县
委；配合单位：县人社局）
""", [
    ("实施高素质农民培育计划", {"lead": ["县农业农村局"], "support": ["县人力资源社会保障局", "县财政局"]}),
    ("开展青年返乡创业大赛", {"lead": ["团县委"], "support": ["县人社局"]}),
])

# D13 注：排在第一位的为牵头单位 — a note after the list of items
case("D13", "document-level note 排在第一位的为牵头单位 after the items", """某某县城市精细化管理提升方案
二、工作任务
1.整治占道经营，规范设置便民摊点。（责任单位：县城市管理局、城关镇人民政府）
2.治理违规停车，新增停车泊位1000个。（责任单位：县公安局交警大队、县城市管理局）
注：责任单位中排在第一位的为牵头单位。
""", [
    ("整治占道经营", {"lead": ["县城市管理局"], "support": ["城关镇人民政府"]}),
    ("治理违规停车", {"lead": ["县公安局交警大队"], "support": ["县城市管理局"]}),
])

# D14 第一，…第二，… sub-points in one item, each with its bracket
case("D14", "第一，…第二，… inside an item, a bracket after each", """某某县耕地保护和粮食安全工作方案
二、主要任务
1.坚决遏制耕地"非农化"。第一，开展违法占用耕地专项整治（责任单位：县自然资源局）；第二，严格落实耕地占补平衡（责任单位：县自然资源局、县农业农村局）；第三，加强永久基本农田保护（责任单位：各乡镇人民政府）。
""", [
    ("开展违法占用耕地专项整治", {"responsible": ["县自然资源局"]}),
    ("严格落实耕地占补平衡", {"responsible": ["县自然资源局", "县农业农村局"]}),
    ("加强永久基本农田保护", {"responsible": ["各乡镇人民政府"]}),
])


# D31 prose verbs of responsibility: 牵头抓总 / 负总责 / 负主体责任 / 负责牵头 / 各司其职
case("D31", "prose verbs 负总责 / 负主体责任 / 负责牵头 / 各司其职", """某某县乡村振兴责任制实施细则
二、责任分工
（一）县委农村工作领导小组办公室牵头抓总，统筹协调全县乡村振兴工作。
（二）各乡镇党委政府负总责，党委书记为第一责任人。
（三）县财政局负责牵头制定涉农资金统筹整合方案，县审计局参与。
（四）县直有关部门各司其职，协同推进。
（五）县农业农村局负主体责任，组织实施农业产业发展项目。
""", [
    ("县委农村工作领导小组办公室牵头抓总", {"lead": ["县委农村工作领导小组办公室"]}),
    ("各乡镇党委政府负总责", {"responsible": ["各乡镇党委政府"]}),
    ("县财政局负责牵头制定", {"lead": ["县财政局"], "support": ["县审计局"]}),
    ("县直有关部门各司其职", {"responsible": ["县直有关部门"]}),
    ("县农业农村局负主体责任", {"responsible": ["县农业农村局"]}),
])

# D32 一是/二是 on their own lines below an item that has a sentence of its own
case("D32", "一是/二是 lines (unnumbered) below a numbered item, a label on each", """某某县养老服务体系建设方案
二、主要任务
（一）健全居家社区养老服务网络。到2025年，街道综合养老服务中心覆盖率达到100%。
一是建设街道综合养老服务中心3个。（牵头单位：县民政局；配合单位：县住房城乡建设局）
二是推进老年人家庭适老化改造200户。（牵头单位：县民政局；配合单位：县残联）
（二）发展普惠养老服务
一是培育连锁化养老服务机构。（责任单位：县民政局、县市场监管局）
二是开展养老护理员职业技能培训。（责任单位：县人社局）
""", [
    ("建设街道综合养老服务中心3个", {"lead": ["县民政局"], "support": ["县住房城乡建设局"]}),
    ("推进老年人家庭适老化改造200户", {"lead": ["县民政局"], "support": ["县残联"]}),
    ("培育连锁化养老服务机构", {"responsible": ["县民政局", "县市场监管局"]}),
    ("开展养老护理员职业技能培训", {"responsible": ["县人社局"]}),
])


# =============================================================================================
# B. tables as tab-separated text

# D15 3-column table 序号/主要任务/责任单位, cell "县X局（牵头）、县Y局"
case("D15", "TSV 序号/主要任务/责任单位 with （牵头） in the cell", "某某县2023年为民办实事项目分工表\n" + "\n".join(T.join(r) for r in [
    ["序号", "主要任务", "责任单位"],
    ["1", "新建城区公办幼儿园2所，新增学位540个", "县教育局（牵头）、县住房城乡建设局、县自然资源局"],
    ["2", "为65岁以上老年人免费开展健康体检", "县卫生健康局（牵头）、各乡镇卫生院"],
    ["3", "改造城区老旧供水管网20公里", "县水务集团"],
]) + "\n", [
    ("新建城区公办幼儿园2所", {"lead": ["县教育局"], "responsible": ["县住房城乡建设局", "县自然资源局"]}),
    ("为65岁以上老年人免费开展健康体检", {"lead": ["县卫生健康局"], "responsible": ["各乡镇卫生院"]}),
    ("改造城区老旧供水管网20公里", {"responsible": ["县水务集团"]}),
])

# D16 责任领导 / 牵头县领导 column with people's names next to 牵头单位
case("D16", "TSV with 牵头县领导 and 责任领导 person columns", "某某县重点项目攻坚任务表\n" + "\n".join(T.join(r) for r in [
    ["序号", "项目名称", "牵头县领导", "牵头单位", "配合单位", "完成时限"],
    ["1", "县城北部片区棚户区改造", "张建华", "县住房城乡建设局", "城关镇人民政府、县自然资源局", "2024年12月"],
    ["2", "县第二污水处理厂", "李卫东", "县水务局", "县生态环境局", "2024年6月"],
]) + "\n", [
    ("县城北部片区棚户区改造", {"lead": ["县住房城乡建设局"], "support": ["城关镇人民政府", "县自然资源局"]}),
    ("县第二污水处理厂", {"lead": ["县水务局"], "support": ["县生态环境局"]}),
])

# D17 责任单位及责任人 column: unit followed by a person's name in the same cell
case("D17", "TSV 责任单位及责任人 column: 'unit + person' in one cell", "某某镇人居环境整治任务清单\n" + "\n".join(T.join(r) for r in [
    ["序号", "工作任务", "责任单位及责任人", "完成时限"],
    ["1", "清理村内沟渠塘坝淤积", "镇农业农村办 王小平", "2023年5月"],
    ["2", "拆除危旧房和违章搭建", "镇规划建设办 陈明；镇综合执法队 刘强", "2023年6月"],
]) + "\n", [
    ("清理村内沟渠塘坝淤积", {"responsible": ["镇农业农村办"]}),
    ("拆除危旧房和违章搭建", {"responsible": ["镇规划建设办", "镇综合执法队"]}),
])

# D18 header repeated on every page of a TSV table (page header + page number lines between)
case("D18", "TSV header repeated after a page footer", "某某县营商环境提升年重点任务台账\n" + "\n".join(T.join(r) for r in [
    ["序号", "重点任务", "牵头单位", "配合单位"],
    ["1", "推行企业开办全程网办", "县市场监管局", "县税务局、县公安局"],
    ["2", "压缩工程建设项目审批时限", "县住房城乡建设局", "县自然资源局"],
]) + "\n— 3 —\n" + "\n".join(T.join(r) for r in [
    ["序号", "重点任务", "牵头单位", "配合单位"],
    ["3", "推进不动产登记一窗受理", "县自然资源局", "县税务局"],
    ["4", "开展惠企政策免申即享", "县工业和信息化局", "县财政局"],
]) + "\n", [
    ("推行企业开办全程网办", {"lead": ["县市场监管局"], "support": ["县税务局", "县公安局"]}),
    ("压缩工程建设项目审批时限", {"lead": ["县住房城乡建设局"], "support": ["县自然资源局"]}),
    ("推进不动产登记一窗受理", {"lead": ["县自然资源局"], "support": ["县税务局"]}),
    ("开展惠企政策免申即享", {"lead": ["县工业和信息化局"], "support": ["县财政局"]}),
])

# D19 table header with the 第一位牵头 note in the 责任单位 header cell
case("D19", "TSV header '责任单位（排在第一位的为牵头单位）'", "某某县2023年民生实事分工表\n" + "\n".join(T.join(r) for r in [
    ["序号", "工作任务", "责任单位（排在第一位的为牵头单位）", "完成时限"],
    ["1", "新增城市公共停车泊位800个", "县城市管理局、县公安局交警大队", "2023年12月底"],
    ["2", "建成乡镇综合养老服务中心3个", "县民政局、县财政局、有关乡镇", "2023年11月底"],
]) + "\n", [
    ("新增城市公共停车泊位800个", {"lead": ["县城市管理局"], "support": ["县公安局交警大队"]}),
    ("建成乡镇综合养老服务中心3个", {"lead": ["县民政局"], "support": ["县财政局", "有关乡镇"]}),
])

# D20 责任分工 / 落实单位 headers
case("D20", "TSV header 责任分工 with 'X牵头，Y配合' cells", "某某县2023年生态环境保护工作任务分工\n" + "\n".join(T.join(r) for r in [
    ["序号", "工作任务", "责任分工", "完成时间"],
    ["1", "完成县城建成区黑臭水体整治", "县住房城乡建设局牵头，县生态环境局、县水务局配合", "2023年10月"],
    ["2", "推进秸秆综合利用", "县农业农村局牵头，各乡镇人民政府配合", "2023年12月"],
]) + "\n", [
    ("完成县城建成区黑臭水体整治", {"lead": ["县住房城乡建设局"], "support": ["县生态环境局", "县水务局"]}),
    ("推进秸秆综合利用", {"lead": ["县农业农村局"], "support": ["各乡镇人民政府"]}),
])

# D21 2-level TSV: a merged 重点任务 column and a separate 具体措施 column, lead/support cells "同上"
case("D21", "TSV cells '同上' for lead/support (same as the row above)", "某某县农村集体经济发展任务表\n" + "\n".join(T.join(r) for r in [
    ["序号", "重点任务", "具体措施", "牵头单位", "配合单位"],
    ["1", "壮大村级集体经济", "开展农村集体资产清产核资", "县农业农村局", "各乡镇人民政府"],
    ["2", "", "发展村级光伏等物业经济", "同上", "同上"],
    ["3", "", "规范村级财务管理", "县农业农村局", "暂无"],
]) + "\n", [
    ("开展农村集体资产清产核资", {"lead": ["县农业农村局"], "support": ["各乡镇人民政府"]}),
    ("发展村级光伏等物业经济", {"lead": ["县农业农村局"], "support": ["各乡镇人民政府"]}),
    ("规范村级财务管理", {"lead": ["县农业农村局"]}),
])


# =============================================================================================
# C. HTML

# D22 HTML 3-column table, 牵头/配合 written in the cell with <br>
case("D22", "HTML 序号/主要任务/责任单位, cell '牵头：X<br>配合：Y'", """<html><body><p>某某区2023年城市更新重点任务表</p>
<table border="1">
<tr><td>序号</td><td>主要任务</td><td>责任单位</td></tr>
<tr><td>1</td><td>完成老旧小区改造12个</td><td>牵头：区住房城乡建设局<br>配合：各街道办事处、区财政局</td></tr>
<tr><td>2</td><td>新增口袋公园6个</td><td>区城市管理局（牵头）<br>区自然资源分局</td></tr>
</table></body></html>
""", [
    ("完成老旧小区改造12个", {"lead": ["区住房城乡建设局"], "support": ["各街道办事处", "区财政局"]}),
    ("新增口袋公园6个", {"lead": ["区城市管理局"], "responsible": ["区自然资源分局"]}),
], html=True)

# D23 HTML: header row repeated inside the table (a <thead> per printed page), 分管领导 column
case("D23", "HTML with 分管领导 column and the header row repeated mid-table", """<html><body><p>某某县巩固拓展脱贫攻坚成果任务分解表</p>
<table border="1">
<tr><th>序号</th><th>工作任务</th><th>分管领导</th><th>牵头单位</th><th>配合单位</th></tr>
<tr><td>1</td><td>落实防止返贫动态监测帮扶机制</td><td>王副县长</td><td>县乡村振兴局</td><td>县民政局、县医保局</td></tr>
<tr><td>2</td><td>推进脱贫人口稳岗就业</td><td>赵副县长</td><td>县人社局</td><td>县乡村振兴局</td></tr>
<tr><th>序号</th><th>工作任务</th><th>分管领导</th><th>牵头单位</th><th>配合单位</th></tr>
<tr><td>3</td><td>加强扶贫项目资产后续管理</td><td>王副县长</td><td>县农业农村局</td><td>县财政局、各乡镇人民政府</td></tr>
</table></body></html>
""", [
    ("落实防止返贫动态监测帮扶机制", {"lead": ["县乡村振兴局"], "support": ["县民政局", "县医保局"]}),
    ("推进脱贫人口稳岗就业", {"lead": ["县人社局"], "support": ["县乡村振兴局"]}),
    ("加强扶贫项目资产后续管理", {"lead": ["县农业农村局"], "support": ["县财政局", "各乡镇人民政府"]}),
], html=True)


# =============================================================================================
# D. Word (python-docx)

# D24 docx: two-row header (责任单位 merged over 牵头|配合), task cell merged down, lead merged down
case("D24", "docx two-row header, vertically merged task and lead cells", [
    ("p", "某某县县域商业体系建设任务分工表"),
    ("table", [
        ["序号", "主要任务", "具体措施", "责任单位", "", "完成时限"],
        ["", "", "", "牵头单位", "配合单位", ""],
        ["1", "完善县域商业网络", "改造提升县城综合商贸服务中心", "县商务局", "县自然资源局", "2023年底"],
        ["2", "", "建设乡镇商贸中心10个", "", "各乡镇人民政府", "2024年底"],
        ["3", "发展农村电商", "培育县级电商公共服务中心", "县商务局", "县邮政分公司", "2023年底"],
    ], [(0, 0, 1, 0), (0, 1, 1, 1), (0, 2, 1, 2), (0, 3, 0, 4), (0, 5, 1, 5), (2, 1, 3, 1), (2, 3, 3, 3)]),
], [
    ("改造提升县城综合商贸服务中心", {"lead": ["县商务局"], "support": ["县自然资源局"]}),
    ("建设乡镇商贸中心10个", {"lead": ["县商务局"], "support": ["各乡镇人民政府"]}),
    ("培育县级电商公共服务中心", {"lead": ["县商务局"], "support": ["县邮政分公司"]}),
], extra={"format": "docx"})

# D25 docx: Word auto-numbered items (numbers not in the text), labels in brackets
case("D25", "docx paragraphs whose list numbers are Word auto-numbering (absent from text)", [
    ("p", "某某县新时代文明实践中心建设工作方案"),
    ("p", "一、重点任务"),
    ("p", "建设县级新时代文明实践中心，整合县级公共文化阵地资源。（牵头单位：县委宣传部；配合单位：县文化广电旅游体育局）"),
    ("p", "推动乡镇文明实践所实体化运行，配备专兼职工作人员。（牵头单位：县委宣传部；配合单位：各乡镇党委）"),
    ("p", "组建县级志愿服务总队，开展常态化志愿服务。（责任单位：县文明办、团县委）"),
], [
    ("建设县级新时代文明实践中心", {"lead": ["县委宣传部"], "support": ["县文化广电旅游体育局"]}),
    ("推动乡镇文明实践所实体化运行", {"lead": ["县委宣传部"], "support": ["各乡镇党委"]}),
    ("组建县级志愿服务总队", {"responsible": ["县文明办", "团县委"]}),
], extra={"format": "docx"})

# D26 docx: 3-column table, units cell one unit per paragraph (line) with （牵头）
case("D26", "docx 序号/主要任务/责任单位, one unit per line in the cell", [
    ("p", "某某县2023年重点民生项目责任分工"),
    ("table", [
        ["序号", "主要任务", "责任单位"],
        ["1", "建设县城区域性养老服务中心", "县民政局（牵头）\n县财政局\n县住房城乡建设局"],
        ["2", "实施城乡学校校舍安全改造", "县教育局\n各乡镇人民政府"],
    ], []),
], [
    ("建设县城区域性养老服务中心", {"lead": ["县民政局"], "responsible": ["县财政局", "县住房城乡建设局"]}),
    ("实施城乡学校校舍安全改造", {"responsible": ["县教育局", "各乡镇人民政府"]}),
], extra={"format": "docx"})


# D33 docx: a task table split into two Word tables, the second without a header row
case("D33", "docx task table continued as a second table without header", [
    ("p", "某某县农村供水保障任务分解表"),
    ("table", [
        ["序号", "工作任务", "牵头单位", "配合单位"],
        ["1", "实施规模化供水工程建设", "县水利局", "县发展改革局"],
        ["2", "推进小型供水工程标准化改造", "县水利局", "各乡镇人民政府"],
    ], []),
    ("pagebreak",),
    ("table", [
        ["3", "建立农村供水水质检测制度", "县卫生健康局", "县水利局"],
        ["4", "落实供水工程运行管护经费", "县财政局", "县水利局"],
    ], []),
], [
    ("实施规模化供水工程建设", {"lead": ["县水利局"], "support": ["县发展改革局"]}),
    ("建立农村供水水质检测制度", {"lead": ["县卫生健康局"], "support": ["县水利局"]}),
    ("落实供水工程运行管护经费", {"lead": ["县财政局"], "support": ["县水利局"]}),
], extra={"format": "docx"})


# =============================================================================================
# E. PDF (reportlab)

_LONG = ("1.推进县域医共体建设。整合县人民医院、县中医院和乡镇卫生院资源，组建两个紧密型县域医疗卫生共同体，"
         "统一人员管理、统一财务管理、统一药品耗材采购配送，2024年底前实现县域内就诊率达到90%以上。"
         "（牵头单位：县卫生健康局；配合单位：县医疗保障局、县财政局、县人力资源社会保障局、县委机构编制委员会办公室）")

# D27 PDF: long items wrapping over several lines
case("D27", "PDF paragraphs: long items wrapped over lines", [
    ("p", "某某县深化医药卫生体制改革实施方案"),
    ("p", "一、重点任务"),
    ("p", _LONG),
    ("p", "2.加强基层医疗卫生人才队伍建设。实施乡村医生定向培养计划，每年为村卫生室定向培养乡村医生20名，"
          "落实乡村医生待遇保障和养老政策。（责任单位：县卫生健康局、县教育局、县人力资源社会保障局、各乡镇人民政府）"),
], [
    ("推进县域医共体建设", {"lead": ["县卫生健康局"], "support": ["县医疗保障局", "县财政局", "县人力资源社会保障局", "县委机构编制委员会办公室"]}),
    ("加强基层医疗卫生人才队伍建设", {"responsible": ["县卫生健康局", "县教育局", "县人力资源社会保障局", "各乡镇人民政府"]}),
], extra={"format": "pdf"})

# D28 PDF: a task table with narrow unit columns (names wrap inside cells)
case("D28", "PDF table, narrow 牵头单位/配合单位 columns: names wrap inside cells", [
    ("p", "某某县高标准农田建设任务分解表"),
    ("table", [
        ["序号", "工作任务", "牵头单位", "配合单位", "完成时限"],
        ["1", "新建高标准农田3万亩，同步完善田间道路和灌排设施", "县农业农村局", "县财政局、县自然资源局、县水利局", "2023年12月底前"],
        ["2", "开展农田建设项目竣工验收和上图入库", "县农业农村局", "各乡镇人民政府", "2024年3月底前"],
    ], [30, 190, 63, 110, 70]),
], [
    ("新建高标准农田3万亩", {"lead": ["县农业农村局"], "support": ["县财政局", "县自然资源局", "县水利局"]}),
    ("开展农田建设项目竣工验收", {"lead": ["县农业农村局"], "support": ["各乡镇人民政府"]}),
], extra={"format": "pdf"})

# D29 PDF: table continued on the next page without a repeated header
case("D29", "PDF table continued on page 2 without repeated header", [
    ("p", "某某县文化旅游融合发展任务清单"),
    ("table", [["序号", "工作任务", "责任单位", "完成时限"]] + [
        [str(i), f"打造第{i}条乡村旅游精品线路，完善沿线标识和停车设施", "县文化广电旅游体育局、县交通运输局", "2024年底前"]
        for i in range(1, 31)
    ], [30, 230, 150, 70]),
], [
    ("打造第1条乡村旅游精品线路", {"responsible": ["县文化广电旅游体育局", "县交通运输局"]}),
    ("打造第29条乡村旅游精品线路", {"responsible": ["县文化广电旅游体育局", "县交通运输局"]}),
    ("打造第30条乡村旅游精品线路", {"responsible": ["县文化广电旅游体育局", "县交通运输局"]}),
], extra={"format": "pdf"})

# D30 PDF: table whose header repeats on each page (repeatRows=1)
case("D30", "PDF table with the header row repeated on each page", [
    ("p", "某某县城乡环境综合整治任务清单"),
    ("table", [["序号", "工作任务", "牵头单位", "配合单位"]] + [
        [str(i), f"整治第{i}片区背街小巷环境卫生，清理乱堆乱放和违章搭建", "县城市管理局", "城关镇人民政府、县住房城乡建设局"]
        for i in range(1, 31)
    ], [30, 250, 90, 110], 1),
], [
    ("整治第1片区背街小巷", {"lead": ["县城市管理局"], "support": ["城关镇人民政府", "县住房城乡建设局"]}),
    ("整治第30片区背街小巷", {"lead": ["县城市管理局"], "support": ["城关镇人民政府", "县住房城乡建设局"]}),
], extra={"format": "pdf"})

# D34 PDF: lead cell merged (SPAN) over two rows, like a Word table printed to PDF
case("D34", "PDF table, 牵头单位 cell merged over two rows", [
    ("p", "某某县全域旅游发展任务分解表"),
    ("table", [
        ["序号", "工作任务", "牵头单位", "配合单位"],
        ["1", "创建国家AAAA级旅游景区1家", "县文化广电旅游体育局", "县自然资源局"],
        ["2", "培育乡村民宿集聚区2个", None, "县农业农村局、有关乡镇"],
        ["3", "完善旅游集散中心功能", "县交通运输局", "县文化广电旅游体育局"],
    ], [30, 200, 120, 130]),
], [
    ("创建国家AAAA级旅游景区1家", {"lead": ["县文化广电旅游体育局"], "support": ["县自然资源局"]}),
    ("培育乡村民宿集聚区2个", {"lead": ["县文化广电旅游体育局"], "support": ["县农业农村局", "有关乡镇"]}),
    ("完善旅游集散中心功能", {"lead": ["县交通运输局"], "support": ["县文化广电旅游体育局"]}),
], extra={"format": "pdf"})


#: layouts extraction does not handle yet (the test checks they still fail, so a fix shows up)
KNOWN_OPEN: set[str] = set()
