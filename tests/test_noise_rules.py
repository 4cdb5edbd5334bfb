"""Cleaning rules, one by one: every named rule in every pack drops an example of its
furniture and keeps a line of argument that merely mentions its trigger words
(precision first); the block and run detectors of each DESIGN.md family; user rules,
--keep-rule and --drop-rule."""
import json

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from typer.testing import CliRunner

from ipcorpus.cli import app
from ipcorpus.document import document_from_bytes
from ipcorpus.errors import IpcorpusError
from ipcorpus.noise.clean import clean
from ipcorpus.noise.rules import BUILTIN, builtin_packs, make_ruleset
from ipcorpus.source import split_lines

TITLE = "创始人个人IP与员工账号矩阵之间的长期取舍"
PROSE = [
    "很多企业在品牌建设初期都会面临同一个问题，究竟应该让创始人站到台前，还是让团队一起发声。",
    "从过去几年的案例来看，创始人亲自出镜确实能在短时间内带来大量关注，但这种关注往往难以沉淀。",
    "相比之下，由高管、工程师和一线员工组成的账号矩阵，虽然起步较慢，却能覆盖更多细分场景。",
    "更重要的是，矩阵化发声可以分散风险，即使某一个账号出现问题，品牌整体也不会因此受到重创。",
    "因此，我们认为企业应该根据自身所处的阶段，在个人IP和账号矩阵之间找到一个动态的平衡点。",
]

# rule name -> (lines it drops, where they stand, prose lines mentioning its trigger words
# that it must keep). `top` is between the title and the first paragraph, `bottom` after
# the last one (edge rules fire only there); `middle` is inside the article.
CASES = {
    # -- credits and metadata ---------------------------------------------------------
    "meta:original-title": (["原标题：雷军为什么总是亲自上阵"], "top", [
        "很多媒体转载时改了原标题，原标题里那句“雷军一个人扛起小米”其实更接近作者真正想表达的意思。"]),
    "meta:author": (["作者：林一舟", "文 | 韩若谷", "Author: Lin Yizhou", "作者｜林一舟"], "top", [
        "作者在文中反复强调，创始人亲自发声能够降低品牌的沟通成本，但也会让企业的风险高度集中在一个人身上。"]),
    "meta:editor": (["责任编辑：王小明", "编辑：李四 校对：张三", "责任编辑｜李四", "责任编辑:王小明",
                     "（责任编辑：王五）", "【编辑：李四】", "(责任编辑: 王五)", "视觉｜张三 李四",
                     "策划：品牌部"], "bottom", [
        "一位资深编辑告诉我们，编辑部现在最头疼的是，老板个人IP的每一次发言都要经过层层审核才能发布。"]),
    "meta:source": (["来源：品牌进化论"], "top", [
        "这篇报道的来源是一份内部材料，材料显示公司正在把对外沟通从董事长一个人转向一组高管账号。"]),
    "meta:url": (["Original: https://www.woshipm.com/marketing/6301122.html",
                  "原文地址：https://www.163.com/dy/article/ABC.html"], "bottom", [
        "读者可以在原文地址里看到更多数据，但本文只讨论创始人IP与员工账号矩阵之间的取舍问题，不展开其他话题。"]),
    "click-prompt": (["点击阅读原文领取门店运营资料包", "戳左下角阅读原文，查看完整课程"], "bottom", [
        "点击率和阅读原文的比例都说明，读者更愿意看创始人亲自讲的故事，而不是官方账号转发的通稿。"]),
    "meta:dateline": (["林一舟 · 2025-02-27 08:05", "原创 老周 格物观察 2024-11-25 21:30"], "top", [
        "2025年2月27日，林一舟在文章里写道，企业家亲自发声并不是万能的，员工账号同样能讲好品牌故事。"]),
    "meta:date": (["2025-03-12 09:41:07", "发布时间：2025年3月12日 09:41",
                   "Date: Sun, 26 Dec 2021 00:56:39 GMT"], "top", [
        "2025年3月12日，雷军在年度演讲中再次强调，小米不会把所有的传播压力都放在创始人一个人身上。"]),
    "original-count": (["这是品牌进化论的第128篇原创文章"], "top", [
        "这是品牌进化论连续第三年关注创始人IP话题，我们发现越来越多的老板开始主动走到镜头前面。"]),
    # -- navigation -------------------------------------------------------------------
    "breadcrumb": (["网易首页 > 网易号 > 正文", "36氪首页 | 资讯 | 汽车"], "top", [
        "从首页到正文，读者的注意力一层层流失，所以品牌更需要让创始人的声音出现在第一屏，而不是藏在深处。"]),
    "back-link": (["返回首页", "返回列表页"], "bottom", [
        "返回到品牌建设的起点，我们会发现，创始人IP本质上是一种信任的快捷方式，而不是营销的全部。"]),
    "prev-next": (["上一篇：格力的下一道题", "下一篇 雷军的年度演讲"], "bottom", [
        "正如上一篇文章所说，下一篇我们将会分析小米如何用员工矩阵分担雷军个人IP的风险，敬请期待这个系列。"]),
    "accessibility-links": (["无障碍浏览 进入关怀版", "打开网易新闻App"], "top", [
        "打开App之后，用户第一眼看到的不再是雷军的头像，而是一群工程师账号发布的产品拆解视频和评测内容。"]),
    "channel-list": (["新闻 | 财经 | 科技 | 汽车 | 房产"], "top", [
        "新闻、财经、科技三个频道都报道了这件事，但只有科技频道注意到，董明珠的直播其实是格力渠道改革的一部分。"]),
    "channel-heading": (["汽车要闻", "态度原创"], "bottom", [
        "要闻里关于老板直播的报道越来越多，说明创始人亲自下场已经从个别现象变成了一种普遍的营销选择。"]),
    "sohu-back": (["返回搜狐", "点击查看更多"], "bottom", [
        "返回搜狐的读者并不多，大多数人看完老板的直播切片就离开了，这说明短内容正在改变品牌传播的逻辑。"]),
    # -- widgets ----------------------------------------------------------------------
    "share-counter": (["128", "3.5万"], "bottom", [
        "128位员工在抖音开设了个人账号，一年下来，这些账号带来的咨询量已经超过了官方账号的总和。"]),
    "share": (["分享至", "收藏 点赞 分享", "分享到微博", "分享至 :", "分享到 : 微信"], "bottom", [
        "分享、转发和收藏这些动作，说明用户愿意替品牌背书，这正是员工账号矩阵想要争取的长期信任。"]),
    "counters": (["阅读 12000", "2 评论 1836 浏览 7 收藏", "Stats: 1836 views | 2 comments"], "top", [
        "这篇文章的阅读量超过十万，评论区里的争论集中在一个问题上：创始人到底应不应该天天出现在镜头前。"]),
    "comments-widget": (["目前还没有评论，等你发挥", "全部评论 12"], "bottom", [
        "评论区的声音并不一致，有人认为老板直播是品牌最好的广告，也有人认为这会让企业变得过于依赖个人。"]),
    "qr-code": (["长按识别二维码", "扫码加入读者群"], "bottom", [
        "二维码和扫码点单曾经是线下门店最常见的拉新方式，而现在创始人的直播间成了品牌新的流量入口。"]),
    "app-download": (["下载网易新闻客户端", "APP下载"], "bottom", [
        "很多品牌要求员工在朋友圈推广下载App的活动，但这种硬性摊派反而削弱了员工账号的真实感和可信度。"]),
    "toutiao-chrome": (["3.5万粉丝", "头条号"], "top", [
        "头条号上粉丝最多的企业账号，往往不是官方账号，而是创始人或者高管以个人名义开设的账号。"]),
    "wechat-read-more": (["写留言", "继续滑动看下一个", "预览时标签不可点"], "bottom", [
        "写留言的读者里，有一半以上在讨论雷军该不该少出镜，这说明用户对创始人IP的疲劳感正在上升。"]),
    # -- statements -------------------------------------------------------------------
    "platform-disclaimer": (["特别声明：以上内容(如有图片或视频亦包括在内)为自媒体平台“网易号”用户上传并发布，"
                             "本平台仅提供信息存储服务。",
                             "【免责声明】本文仅代表作者本人观点，与本站无关。",
                             "[免责声明] 本文仅代表作者本人观点, 与本站立场无关.",
                             "（文章来源于网络，如有侵权请联系删除）",
                             "(图文来自互联网, 如有侵权请联系我们删除)",
                             "（本文不构成任何投资建议）",
                             "【版权归原作者所有，仅供学习交流】"], "bottom", [
        "企业发布声明的速度越来越快，信息存储和传播都集中在少数平台上，创始人的一句话可能在几分钟内被放大。",
        "（这也是小米一直坚持不授权第三方使用雷军形象的原因，品牌方需要守住创始人IP的边界。）",
        "分析师强调，这份报告不构成投资建议，但创始人IP对估值的影响已经被越来越多的机构认真对待。"]),
    "disclaimer-en": (["Notice: The content above (including the pictures and videos if any) is uploaded and posted "
                       "by a user of NetEase Hao, which is a social media platform and only provides information "
                       "storage services.",
                       "Notice: This content (including any images or videos) was uploaded and published by a "
                       "NetEase Hao user. NetEase Hao is a self-media platform that only provides information "
                       "storage space services."], "bottom", [
        "外媒报道用了does not represent这样的措辞，但小米随后的回应表明，雷军的个人表态依然代表公司的立场。"]),
    "repost-notice": (["未经授权，禁止转载", "版权归原作者所有", "Copyright © 2025 商周札记"], "bottom", [
        "很多公众号在文末写着严禁转载，但创始人的金句往往在几个小时内就被截图、剪辑、再分发到各个平台上。"]),
    "author-view": (["*个人观点，仅供参考", "文章观点仅代表作者本人"], "bottom", [
        "这些观点仅代表少数从业者的看法，但它揭示了一个趋势：老板个人IP正在从加分项变成必选项。"]),
    "image-licence": (["题图来自视觉中国", "图片来源：Unsplash", "本文题图基于CC0协议"], "top", [
        "很多媒体的题图来自同一场发布会，画面里永远是创始人一个人，而台下的工程师团队几乎从不出镜。"]),
    "original-publish": (["本文由品牌进化论原创发布于网易号", "本文来自微信公众号“车界观察”"], "top", [
        "本文讨论的案例首发于一场行业闭门会，与会者大多认为员工账号矩阵比老板个人IP更能分散风险。"]),
    "backup-notice": (["本文为自动备份，仅供学习交流"], "bottom", [
        "有人把创始人的演讲整理成文字自动备份到网盘，仅供学习交流，但这恰恰说明个人IP的内容有长期价值。"]),
    "36kr-notice": (["36氪经授权发布。"], "bottom", [
        "36氪的报道引用了多位投资人的看法，他们普遍认为创始人IP是早期公司最便宜也最有效的获客渠道。"]),
    "sohu-statement": (["平台声明：本文系作者投稿"], "bottom", [
        "每次出事之后，平台声明和企业声明总是姗姗来迟，而创始人的一条微博却能在几分钟内平息舆论。"]),
    "sina-app": (["新浪财经APP 海量资讯精准解读", "新浪声明：此消息系转载自新浪合作媒体"], "bottom", [
        "海量资讯并不等于精准解读，创始人个人账号的价值，在于用一个人的视角把复杂的产品讲清楚。"]),
    # -- promotion --------------------------------------------------------------------
    "masthead": (["商周札记 － 品牌与创业观察"], "top", [
        "商周札记 － 品牌观察栏目一直认为，创始人亲自出镜并不是唯一的选择，组织化发声同样能建立信任。"]),
    "follow-prompt": (["点击关注，获取更多品牌洞察", "关注公众号，回复“报告”领取全文"], "bottom", [
        "关注一个创始人的账号，和关注一个品牌的公众号，用户获得的其实是两种完全不同的情绪价值和信任感。"]),
    "contact-id": (["商务合作微信：brand2025", "加V：xiaoming_123"], "bottom", [
        "不少品牌让销售人员用个人微信和客户沟通，这种一对一的关系，其实就是最原始也最有效的员工账号矩阵。"]),
    "engagement-call": (["您的点赞转发就是对小编最大的支持", "记得点赞收藏哦"], "bottom", [
        "在评论区留言的读者大多认为，董明珠亲自直播带货虽然效果明显，但格力不能长期依赖她一个人。"]),
    "coupon": (["领取50元优惠券", "限时特惠，立减100"], "bottom", [
        "直播间的优惠券能拉来一次性的流量，但真正留住用户的，是创始人长期积累下来的个人信誉和口碑。"]),
    "business-menu": (["商务合作 | 投稿 | 加入我们", "欢迎投稿：tougao@example.com"], "bottom", [
        "招聘和投稿信息以前只在官网发布，现在很多公司请员工在自己的账号上转发，这本身就是矩阵化发声的一部分。"]),
    "course-ad": (["🔗 品牌营销实战课，七天掌握账号矩阵运营", "查看详情 >", "立即报名"], "bottom", [
        "了解更多关于创始人IP的案例之后，我们会发现，真正成功的老板往往也是最懂得放权给团队的那个人。"]),
    "netease-account-stats": (["128文章数 3456关注度"], "bottom", [
        "这个账号只有128篇文章，关注度却远超同类账号，原因在于它背后站着一位愿意亲自发声的创始人。"]),
    "woshipm-member": (["起点课堂：产品经理的职业成长平台", "ke.qidianla.com/courses/reqreview"], "bottom", [
        "课堂上老师讲的创始人IP理论，和企业的真实做法之间往往有很大差距，理论需要在实践中不断修正。"]),
    "woshipm-column": (["专栏作家"], "top", [
        "专栏作家林间观潮认为，周鸿祎的红衣大叔形象替360完成了最难的信任建立，这是广告做不到的。"]),
    # -- lists ------------------------------------------------------------------------
    "related-header": (["相关推荐", "推荐阅读：", "往期回顾 全部"], "bottom", [
        "相关推荐算法会把老板的直播切片推给更多人，这让个人IP的放大效应远远超过了企业官方账号的影响力。"]),
    "tags": (["标签：小米 雷军 个人IP", "关键词：创始人IP"], "bottom", [
        "标签化是创始人IP的双刃剑，雷军被贴上“劳模”的标签之后，小米的每一次失误也会被算到他的头上。"]),
    "link-only": (["[小米需要一道IP防火墙](https://www.163.com/dy/article/ABC.html)",
                   "- [上一期](/posts/1) | [下一期](/posts/3)"], "bottom", [
        "正如[上一篇文章](https://example.com/a)所说，创始人IP是一把双刃剑，用得好是护城河，用不好就是风险敞口。"]),
    "link-list-item": (["- [《雷军的年度演讲》](leijun-speech.html)"], "bottom", [
        "推荐大家读一读[《人企合一》](book.html)这本书，它系统地讲了创始人如何把个人信用转化为品牌资产。"]),
    # -- media ------------------------------------------------------------------------
    "image": (["![](https://img.example.com/a.jpg)", "<img src=\"https://img.example.com/b.png\">", "[图片]"],
              "middle", [
        "图片和视频正在取代长文，成为创始人IP最主要的载体，但文字依然是表达复杂观点最可靠的方式。"]),
    "caption": (["上图：三种模式对比", "(图：雷军在发布会上)", "（图源：网络）", "（图片来源于视觉中国）"], "middle", [
        "上图展示了三种模式的对比：创始人单核驱动、高管多核驱动和员工矩阵驱动，各有各的适用阶段。"]),
    # -- converter markup -------------------------------------------------------------
    "template-tag": (["{% include ad.html %}", "{{ page.title }}"], "bottom", [
        "很多公司的新闻稿像是用模板生成的，连{{公司名称}}这样的占位符都忘了替换，这样的官方声音很难打动用户。"]),
    "html-only": (["</div>", "<div class=\"article-footer\">", "<!-- ad slot -->", "&nbsp;"], "middle", [
        "<p>雷军说，小米的每一位工程师都应该成为产品的讲解员，而不是只有他一个人站在台上讲。</p>"]),
    "css": ([".qr_box{border:1px solid #E6E6E6;padding:8px;}", "font-size: 14px;"], "bottom", [
        "品牌的视觉风格可以统一，比如字体和配色；但创始人的表达风格不能统一，否则就失去了个人IP的意义。"]),
    "empty-heading": (["##", "### "], "middle", [
        "## 三、为什么员工账号矩阵更适合大多数中小企业，而不是只靠老板一个人出镜换来的短期曝光"]),
    "rule-line": (["* * *", "-----", "——————正文——————"], "middle", [
        "——这是很多创始人的真实想法：与其花钱投广告，不如自己站到镜头前，哪怕说错话也比没人关注强。"]),
    "bare-url": (["https://www.36kr.com/p/123456", "[](https://example.com/b)"], "bottom", [
        "雷军在微博（https://weibo.com/leijun）上的每一条动态，都会被小米的几十个高管账号和员工账号同步转发。"]),
    "broken-bold": (["**", "_"], "middle", [
        "**创始人IP不是万能药，它需要团队的矩阵来承接流量、解释产品、处理危机，否则热度来得快去得也快。**"]),
    "url-fragment": (["&wx_fmt=jpeg&tp=webp&wxfrom=5", "x&a=1&b=2&c=3"], "bottom", [
        "很多公众号文章的链接里带着一长串参数，比如来源标记和图片格式，但读者真正在意的只是文章里的观点。"]),
    "netease-icons": (["incentive-icons"], "top", [
        "网易号的激励图标只是一个小小的装饰，真正决定账号影响力的，是内容背后那个具体的人和他的观点。"]),
    "woshipm-field": (["Category: Marketing"], "top", [
        "Category这样的字段说明，产品经理社区已经把创始人IP当作一个独立的营销类别来讨论和研究。"]),
    "end-mark": (["（完）", "(完)", "【END】", "[全文完]"], "bottom", [
        "（完）这个字在新闻稿末尾出现时，读者才知道，一篇关于创始人IP的长报道到这里结束了。"]),
    "follow-button": (["达叔天演论 关注", "品牌进化论 +关注", "雷军 ＋ 关注"], "top", [
        "创始人IP值得关注，但员工账号矩阵同样值得关注，两者并不冲突，而是互为补充，企业应当同时经营。"]),
    "html-widget": (["<button class=\"btn\">在App中打开阅读全文</button>",
                     "<svg viewBox=\"0 0 24 24\"><title>图标</title></svg>",
                     "<nav><a href=\"/\">首页</a> <a href=\"/tech\">科技</a></nav>"], "middle", [
        "<p>雷军说，按钮、图标这些细节也是品牌的一部分，创始人亲自抓产品体验，用户才会真正感受到。</p>",
        "<li>第一，创始人要亲自把产品讲清楚，而不是只让员工账号去转发，否则用户记住的只是一个口号。</li>"]),
    "wechat-end-mark": (["END", "全文完"], "bottom", [
        "完全依赖创始人的品牌，终究会遇到瓶颈；END这个词在很多公众号末尾出现，也提醒我们热度总有尽头。"]),
    # -- injected spam ----------------------------------------------------------------
    "keyword-spam": (["澳门博彩|在线娱乐城|真人百家乐|体育投注官网|老虎机注册送彩金"], "top", [
        "有人把澳门娱乐城、百家乐这类关键词塞进网页标题，这种黑产手段与创始人IP毫无关系，但值得平台警惕。"]),
    # -- aggregator wrappers ----------------------------------------------------------
    "machine-summary": (["The article argues that Xiaomi should build an IP firewall [3] so that Lei Jun is no longer "
                         "the only voice of the brand [30].", "Summary: 本文认为小米应该建立员工账号矩阵"], "top", [
        "研究显示[3]，员工账号矩阵能够显著降低企业对单一创始人的依赖[30]，这与董明珠模式形成鲜明对比。"]),
    "tool-chrome": (["展开全文", "AI摘要", "复制全文｜导出PDF｜朗读全文｜查看原网页"], "top", [
        "阅读全文之后你会发现，作者并不反对创始人IP，他反对的是把品牌的全部信用押在一个人身上。"]),
    "aggregator-meta": (["收录于话题 #品牌观察", "汽车星球 · 3小时前"], "top", [
        "收录于各大榜单的创业公司里，超过一半的创始人都有自己的社交媒体账号，而且更新的频率相当高。"]),
    "clipper-notice": (["本文由 简悦 SimpRead 转码，原文地址 https://www.163.com/dy/article/X.html",
                        "Clipped from 36kr.com", "#简悦 #剪藏", "本页面由 Cubox 剪藏于 2024-05-01",
                        "继续阅读 >", "Read original: https://36kr.com/p/1"], "top", [
        "用简悦这类工具转存文章的读者越来越多，原文地址和作者信息常常丢失，这让创始人的观点更容易被误读。"]),
    # -- opt-in -----------------------------------------------------------------------
    "english-line": (["This is a long English line that a translation tool left in the page."], "middle", [
        "这篇文章的英文版标题是Founder IP versus matrix，编辑在翻译时特意保留了矩阵这个说法。"]),
    "edge-short": (["品牌观察室"], "top", [
        "品牌观察室认为，创始人个人IP与员工账号矩阵并不冲突，关键在于分工清晰、节奏一致、口径统一。"]),
}

# A rule that an earlier rule always beats: its examples are checked with the earlier
# rule turned off (and the test below shows the line is dropped either way).
SHADOWED = {"netease-account-stats": ("counters",)}


def all_rules():
    return [(p.name, r) for p in builtin_packs() for r in p.rules]


def doc(lines, path="t.txt"):
    return document_from_bytes(path, ("\n".join(lines) + "\n").encode("utf-8"))


def page(line, where):
    """An article with `line` placed at `where`; returns (lines, its 1-based number).
    Paragraphs are separated by blank lines, as scraped pages are."""
    if where == "top":
        body = [TITLE, line] + PROSE
    elif where == "middle":
        body = [TITLE] + PROSE[:2] + [line] + PROSE[2:]
    else:
        body = [TITLE] + PROSE + [line]
    lines = []
    for b in body:
        lines += [b, ""]
    return lines[:-1], 2 * body.index(line) + 1


def ruleset_for(name):
    default = next((r.default for _, r in all_rules() if r.name == name), True)
    return make_ruleset(keep=SHADOWED.get(name, ()), drop=() if default else (name,))


def verdict_of(lines, n, rules=None):
    v = clean(doc(lines), rules).verdicts[n - 1]
    return v.action, v.rule


def verdicts(lines, rules=None):
    """{line: rule or 'keep'} for the non-blank lines."""
    return {v.line: (v.rule if v.action == "drop" else "keep")
            for v in clean(doc(lines), rules).verdicts if v.action != "blank"}


# -- every rule ---------------------------------------------------------------------------
def test_every_rule_has_cases():
    names = [r.name for _, r in all_rules()]
    assert len(names) == len(set(names)), "two packs define the same rule name"
    missing = sorted(set(names) - set(CASES))
    assert not missing, f"rules without drop/keep examples in this file: {missing}"
    assert not set(CASES) - set(names), f"cases for rules that no longer exist: {sorted(set(CASES) - set(names))}"


def _drop_params():
    return [pytest.param(name, ex, id=f"{name}:{i}") for name, (drops, _, _) in CASES.items()
            for i, ex in enumerate(drops)]


def _keep_params():
    return [pytest.param(name, ex, id=f"{name}:{i}") for name, (_, _, keeps) in CASES.items()
            for i, ex in enumerate(keeps)]


@pytest.mark.parametrize("name,line", _drop_params())
def test_rule_drops_its_example(name, line):
    where = CASES[name][1]
    lines, n = page(line, where)
    assert verdict_of(lines, n, ruleset_for(name)) == ("drop", name)
    # The article itself survives.
    kept = [ln for ln, r in verdicts(lines, ruleset_for(name)).items() if r == "keep"]
    assert len(kept) >= len(PROSE)


@pytest.mark.parametrize("name,line", _keep_params())
def test_rule_keeps_prose_with_its_trigger_words(name, line):
    assert len(line) >= 40, "a precision case is a real sentence of 40+ characters"
    lines, n = page(line, "middle")
    got = verdict_of(lines, n, ruleset_for(name))
    assert got == ("keep", ""), f"a line of argument was dropped by [{got[1]}]: {line}"


@pytest.mark.parametrize("name", sorted(SHADOWED))
def test_shadowed_rule_lines_are_still_dropped(name):
    for line in CASES[name][0]:
        lines, n = page(line, CASES[name][1])
        action, rule = verdict_of(lines, n)
        assert action == "drop" and rule in SHADOWED[name], (line, rule)


def test_edge_rules_fire_only_outside_the_article():
    edge = [r for _, r in all_rules() if r.zone == "edge" and r.default]
    assert edge
    for r in edge:
        for line in CASES[r.name][0]:
            lines, n = page(line, "middle")
            assert verdict_of(lines, n) == ("keep", ""), f"edge rule {r.name} fired inside the article: {line}"


ARGUMENTS = [
    "把所有风险都押在创始人一个人身上，一旦他的言论引发争议，品牌的分享、关注和转发数据都会同时下滑。",
    "有人建议用二维码把直播间的观众引导到员工账号，但这只是流量搬运，真正的信任还要靠长期的内容积累。",
    "下载App、扫码关注、点赞转发，这些动作都可以被数据量化，可创始人IP带来的品牌好感却很难量化。",
    "风险分散才是矩阵的意义：关注高管账号的用户，和关注创始人账号的用户，本来就是两批不同的人。",
    "与其让员工在朋友圈分享老板的演讲视频，不如让每个人用自己的专业视角讲清楚一个具体的产品细节。",
    "转载、评论和收藏的数量说明了热度，却说明不了立场，这正是我们需要逐句分析文章论证的原因。",
    "版权归属问题同样值得注意：员工账号发布的内容，到底属于个人还是属于公司，很多企业并没有想清楚。",
    "上一篇文章发布之后，很多读者在后台问我们，员工账号矩阵到底适不适合只有几十个人的小公司。",
]


@pytest.mark.parametrize("line", ARGUMENTS, ids=[f"arg{i}" for i in range(len(ARGUMENTS))])
def test_argument_mentioning_furniture_words_is_kept(line):
    """Precision first: a sentence of argument is kept whatever words it mentions."""
    assert len(line) >= 40
    for where in ("middle", "bottom"):
        lines, n = page(line, where)
        got = verdict_of(lines, n)
        assert got == ("keep", ""), f"({where}) a line of argument was dropped by [{got[1]}]: {line}"


# -- opt-in rules, --keep-rule, --drop-rule -------------------------------------------------
def test_opt_in_rules_are_off_by_default():
    for name in ("english-line", "edge-short"):
        for line in CASES[name][0]:
            lines, n = page(line, CASES[name][1])
            assert verdict_of(lines, n) == ("keep", ""), name


def test_drop_rule_turns_on_english_line():
    line = "This is a long English line that a translation tool left in the page."
    lines, n = page(line, "middle")
    assert verdict_of(lines, n) == ("keep", "")
    assert verdict_of(lines, n, make_ruleset(drop=["english-line"])) == ("drop", "english-line")


@pytest.mark.parametrize("name", ["share", "qr-code", "related-header", "image", "breadcrumb"])
def test_keep_rule_keeps_what_the_rule_would_drop(name):
    drops, where, _ = CASES[name]
    line = drops[0]
    lines, n = page(line, where)
    assert verdict_of(lines, n) == ("drop", name)
    action, rule = verdict_of(lines, n, make_ruleset(keep=[name]))
    assert rule != name
    assert action == "keep" or name == "breadcrumb", (action, rule)


@pytest.mark.parametrize("name", ["related-list", "tail", "repeat", "smooth", "front-matter", "ad-card"])
def test_keep_rule_turns_off_detectors(name):
    assert make_ruleset(keep=[name]).on(name) is False
    assert make_ruleset().on(name) is True


@pytest.mark.parametrize("kw", [{"keep": ["no-such-rule"]}, {"drop": ["no-such-rule"]}])
def test_unknown_rule_name_is_an_error(kw):
    with pytest.raises(IpcorpusError, match="no-such-rule"):
        make_ruleset(**kw)


def test_bad_user_pattern_is_an_error():
    with pytest.raises(IpcorpusError, match="bad pattern"):
        make_ruleset({"rule": [{"name": "mine", "patterns": ["([unclosed"]}]})
    with pytest.raises(IpcorpusError):
        make_ruleset({"rule": [{"name": "mine"}]})


def test_builtin_detectors_are_known_names():
    rs = make_ruleset()
    assert set(BUILTIN) <= rs.names()
    for name in BUILTIN:
        make_ruleset(keep=[name])          # no error


# -- families: block and run detectors ---------------------------------------------------------
def spaced(*lines):
    out = []
    for ln in lines:
        out += [ln, ""]
    return out[:-1]


def test_navigation_and_widgets_around_an_article():
    lines = ["网易首页 > 网易号 > 正文", "", TITLE, "", "2025-03-12 09:41:07", ""] + spaced(*PROSE) + \
            ["", "分享至", "0", "收藏", "", "返回首页"]
    v = verdicts(lines)
    assert v[1] == "breadcrumb" and v[5] == "meta:date"
    tail = {v[n] for n in range(len(lines) - 4, len(lines) + 1) if n in v}
    assert tail == {"share", "share-counter", "back-link"} | (tail & {"smooth"}), tail
    assert all(v[n] == "keep" for n in (3, 7, 9, 11, 13, 15))


def test_statements_chinese_and_english_twins_then_tail():
    lines = [TITLE, ""] + spaced(*PROSE) + [
        "", "特别声明：以上内容为自媒体平台“网易号”用户上传并发布，本平台仅提供信息存储服务。",
        "", "Notice: This content (including any images or videos) was uploaded and published by a NetEase Hao user. "
            "NetEase Hao is a self-media platform that only provides information storage space services.",
        "", "热门新闻", "储能赛道的新一轮洗牌，谁能留到最后", "健康", "时尚"]
    v = verdicts(lines)
    n = len(lines)
    assert v[n - 7] == "platform-disclaimer"
    assert v[n - 5] == "disclaimer-en"
    assert [v[k] for k in range(n - 3, n + 1)] == ["tail"] * 4
    assert sum(1 for r in v.values() if r == "keep") == len(PROSE) + 1


def test_tail_does_not_eat_prose_after_a_disclaimer():
    """A disclaimer in the middle (reposts put it first) is no end marker when prose follows."""
    lines = [TITLE, ""] + spaced(*PROSE[:3]) + ["", "特别声明：本平台仅提供信息存储服务。", ""] + spaced(*PROSE[3:]) + \
            ["", "健康"]
    v = verdicts(lines)
    assert [r for r in v.values() if r != "keep"] == ["platform-disclaimer"]


def test_credits_lines():
    lines = [TITLE, "", "作者：林一舟", "来源：品牌进化论", "原标题：雷军为什么总是亲自上阵", ""] + spaced(*PROSE) + \
            ["", "责任编辑：王小明"]
    c = clean(doc(lines))
    v = {x.line: x.rule for x in c.verdicts if x.action == "drop"}
    assert (v[3], v[4], v[5], v[len(lines)]) == ("meta:author", "meta:source", "meta:original-title", "meta:editor")
    assert (c.meta.author, c.meta.source, c.meta.original_title) == ("林一舟", "品牌进化论", "雷军为什么总是亲自上阵")
    assert c.meta.title == TITLE


def test_promotion_ad_card_in_the_middle():
    card = ["[![](https://image.woshipm.com/2023/08/11/ff8cad15.png)", "", "需求评审怎么讲：把想法讲清楚的产品课", "",
            "需求文档写得再漂亮，评审会上讲不清楚也是白搭。课程把需求评审拆成五个环节，逐一练习。", "", "查看详情 >",
            "", "](https://ke.qidianla.com/courses/reqreview)"]
    lines = [TITLE, ""] + spaced(*PROSE[:3]) + [""] + card + [""] + spaced(*PROSE[3:])
    v = verdicts(lines)
    start = 2 + 2 * 3 + 1
    card_lines = [start + i for i, t in enumerate(card) if t]
    assert [v[n] for n in card_lines] == ["ad-card"] * 5
    assert sum(1 for r in v.values() if r == "keep") == len(PROSE) + 1


def test_promotion_masthead_and_follow():
    lines = ["商周札记 － 品牌与创业观察", "", TITLE, ""] + spaced(*PROSE) + ["", "点击关注，获取更多品牌洞察",
                                                                       "商务合作 | 投稿 | 加入我们"]
    v = verdicts(lines)
    assert v[1] == "masthead"
    assert (v[len(lines) - 1], v[len(lines)]) == ("follow-prompt", "business-menu")


RELATED = ["退休以后才明白：存款再多，也比不上这三样东西", "", "退休以后才明白：存款再多，也比不上这三样东西", "",
           "生活百事通", "2025-03-11 21:04:16", "",
           "又一款国产新能源车订单排到年底，车主：等得值", "", "又一款国产新能源车订单排到年底，车主：等得值", "",
           "汽车前哨", "2025-03-12 07:45:09"]


def test_lists_related_news_detector():
    lines = [TITLE, ""] + spaced(*PROSE) + [""] + RELATED
    v = verdicts(lines)
    start = 2 + 2 * len(PROSE) + 1
    got = [v[start + i] for i, t in enumerate(RELATED) if t]
    assert got == ["related-list"] * 8
    c = clean(doc(lines))
    assert c.meta.published is None, "a related item's timestamp is not the article's date"


def test_lists_single_item_is_not_a_list():
    """One headline with a source and a time could be the article's own byline."""
    lines = [TITLE, ""] + spaced(*PROSE) + ["", "退休以后才明白：存款再多，也比不上这三样东西", "生活百事通",
                                            "2025-03-11 21:04:16"]
    v = verdicts(lines)
    assert "related-list" not in v.values()


def test_lists_link_intro_and_link_lists():
    links = ["[小米需要一道IP防火墙](https://www.163.com/dy/article/ABC.html)",
             "[雷军的年度演讲](https://www.163.com/dy/article/DEF.html)"]
    lines = [TITLE, ""] + spaced(*PROSE[:3]) + ["", "更多内容请看："] + links + [""] + spaced(*PROSE[3:])
    v = verdicts(lines)
    n = 2 + 2 * 3 + 1
    assert (v[n], v[n + 1], v[n + 2]) == ("link-intro", "link-only", "link-only")


def test_media_lines():
    lines = [TITLE, ""] + spaced(PROSE[0], "![](https://img.example.com/a.jpg)", "题图来自视觉中国",
                                 "上图：三种模式对比", *PROSE[1:])
    v = verdicts(lines)
    assert (v[5], v[7], v[9]) == ("image", "image-licence", "caption")


def test_markup_front_matter():
    fm = ["---", "title: '创始人IP与账号矩阵'", "author: 林一舟", "date: 2025-03-03 02:15:00", "categories:", " - 科技",
          "---"]
    lines = fm + [""] + spaced(*PROSE)
    c = clean(doc(lines))
    v = {x.line: x.rule for x in c.verdicts if x.action == "drop"}
    assert v == {1: "front-matter", 2: "meta:title", 3: "meta:author", 4: "meta:date", 5: "front-matter",
                 6: "front-matter", 7: "front-matter"}
    assert (c.meta.title, c.meta.author, c.meta.published) == ("创始人IP与账号矩阵", "林一舟", "2025-03-03T02:15:00")


def test_markup_rule_line_is_not_front_matter_in_the_middle():
    lines = [TITLE, ""] + spaced(*PROSE[:2]) + ["", "---", "", "key: value", "", "---", ""] + spaced(*PROSE[2:])
    v = verdicts(lines)
    assert "front-matter" not in v.values()
    assert sum(1 for r in v.values() if r == "keep") >= len(PROSE) + 1


def test_markup_template_block_keeps_its_metadata():
    block = ['{% hint style="info" %}', "**Category:** Marketing", "**Author:** [林间观潮](https://www.woshipm.com/u/1)",
             "**Published:** 2025-04-12", "**Stats:** 1836 views", "{% endhint %}"]
    lines = [TITLE, ""] + block + [""] + spaced(*PROSE)
    c = clean(doc(lines))
    v = {x.line: x.rule for x in c.verdicts if x.action == "drop"}
    assert [v[n] for n in range(3, 9)] == ["template-block", "template-block", "meta:author", "meta:date",
                                          "template-block", "template-block"]
    assert (c.meta.author, c.meta.published) == ("林间观潮", "2025-04-12")


def test_markup_html_comments_css_and_empty_headings():
    junk = ['<div class="x">', "<!-- ad -->", "<!--", "广告位开始", "-->", "<style>",
            ".qr_box{border:1px solid #E6E6E6;}", "</style>", '<svg viewBox="0 0 10 10">', '<path d="M0 0"/>', "</svg>",
            ".a{color:red}", "##", "</section>"]
    lines = [TITLE, ""] + spaced(*PROSE[:2]) + [""] + junk + [""] + spaced(*PROSE[2:])
    v = verdicts(lines)
    start = 2 + 2 * 2 + 1
    got = [v[start + i] for i in range(len(junk))]
    assert got == ["html-only", "html-only", "comment-block", "comment-block", "comment-block", "style-block",
                   "style-block", "style-block", "style-block", "style-block", "style-block", "css", "empty-heading",
                   "html-only"]
    assert sum(1 for r in v.values() if r == "keep") == len(PROSE) + 1


def test_markup_unclosed_style_is_not_a_block():
    """A `<style>` with no end tag must not swallow the article after it."""
    lines = [TITLE, "", "<style>", ""] + spaced(*PROSE)
    v = verdicts(lines)
    assert sum(1 for r in v.values() if r == "keep") == len(PROSE) + 1


def test_injected_keyword_spam_first_line():
    lines = ["澳门博彩|在线娱乐城|真人百家乐|体育投注官网|老虎机注册送彩金", "", TITLE, ""] + spaced(*PROSE)
    c = clean(doc(lines))
    assert c.verdicts[0].rule == "keyword-spam"
    assert c.meta.title == TITLE


def test_aggregator_wrapper():
    lines = ["阅读助手 · 网页存档", "返回 | 查看原网页 | 复制正文 | 导出 Markdown | 朗读全文", "", TITLE,
             "2025-02-10 08:32", "",
             "AI 摘要（自动生成，仅供参考）",
             "The author argues that BYD relies less on its founder and lets engineers explain its technology [3][30].",
             "", TITLE, "发布时间：2025年02月10日 08:32", ""] + spaced(*PROSE)
    c = clean(doc(lines))
    v = {x.line: (x.rule or "keep") for x in c.verdicts if x.action != "blank"}
    assert v[2] == "tool-chrome" and v[7] == "tool-chrome"
    assert v[8] == "machine-summary"
    assert v[4] == "keep" and v[10] == "meta:title-repeat"
    assert v[1] != "keep"
    assert c.meta.title == TITLE and c.meta.published.startswith("2025-02-10")


def test_repeats_lede_printed_twice():
    lines = [TITLE, ""] + spaced(PROSE[0], PROSE[1], PROSE[0], PROSE[2])
    v = verdicts(lines)
    assert v[3] == "keep" and v[7] == "repeat"


def test_short_lines_repeated_are_not_repeats():
    """Short lines (list markers, numbers) legitimately recur."""
    lines = [TITLE, ""] + spaced(PROSE[0], "第一，", PROSE[1], "第一，", PROSE[2])
    v = verdicts(lines)
    assert "repeat" not in v.values()


def test_smoothing_between_dropped_lines():
    lines = [TITLE, ""] + spaced(*PROSE) + ["", "分享至", "微博", "收藏"]
    v = verdicts(lines)
    n = len(lines)
    assert (v[n - 2], v[n - 1], v[n]) == ("share", "smooth", "share")


def test_smoothing_spares_punctuated_and_headings():
    lines = [TITLE, ""] + spaced(*PROSE) + ["", "分享至", "结论：", "## 小结", "收藏"]
    v = verdicts(lines)
    n = len(lines)
    assert v[n - 2] == "keep" and v[n - 1] == "keep"


def test_recurring_furniture_learned_across_the_corpus(tmp_path, monkeypatch):
    """A short line outside the article core in 3+ different articles is furniture."""
    corpus = tmp_path / "c"
    corpus.mkdir()
    for k, num in enumerate("一二三"):
        # Different articles (digits are folded in line keys, so the numbers are words).
        prose = PROSE[k:] + PROSE[:k]
        body = [f"{TITLE}（第{num}篇）", ""] + spaced(*[p + f"这是第{num}篇的补充。" for p in prose]) + \
               ["", "品牌观察室出品"]
        (corpus / f"a{k}.txt").write_text("\n".join(body) + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(app, ["clean", "c", "--explain", "--no-cache"])
    assert res.exit_code == 0, res.stderr
    hits = [ln for ln in res.stdout.splitlines() if "[recurring] 品牌观察室出品" in ln]
    assert len(hits) == 3, res.stdout
    # With only two articles nothing is learned.
    (corpus / "a2.txt").unlink()
    res = CliRunner().invoke(app, ["clean", "c", "--explain", "--no-cache"])
    assert "[recurring]" not in res.stdout


def test_recurring_spares_headings_of_the_article(tmp_path, monkeypatch):
    """Articles share section headings (结语, 总结): a heading followed by the article's
    short closing sentences is body, not furniture, however many articles use it."""
    corpus = tmp_path / "c"
    corpus.mkdir()
    for k, num in enumerate("一二三"):
        prose = PROSE[k:] + PROSE[:k]
        body = [f"{TITLE}（第{num}篇）", ""] + spaced(*[p + f"这是第{num}篇的补充。" for p in prose]) + \
               ["", "## 结语", "", f"第{num}篇的结论很简单：人设是资产。", "", "品牌观察室出品"]
        (corpus / f"a{k}.txt").write_text("\n".join(body) + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(app, ["clean", "c", "--explain", "--no-cache"])
    assert res.exit_code == 0, res.stderr
    assert "[recurring] 品牌观察室出品" in res.stdout
    assert "## 结语" not in res.stdout, res.stdout


# -- user rules from ipcorpus.toml ------------------------------------------------------------------
USER_TOML = """
[[clean.rule]]
name = "sponsor-line"
family = "promotion"
description = "our crawler's sponsor footer"
patterns = ['^本栏目由.{1,12}独家赞助$']
max_len = 30
"""


def test_user_rule_beside_the_corpus_drops_its_lines(tmp_path, monkeypatch):
    corpus = tmp_path / "c"
    corpus.mkdir()
    lines = [TITLE, ""] + spaced(*PROSE) + ["", "本栏目由某某汽车独家赞助"]
    (corpus / "a.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    before = CliRunner().invoke(app, ["clean", "c", "--explain", "--no-cache"])
    assert before.exit_code == 0 and "sponsor-line" not in before.stdout
    assert "本栏目由某某汽车独家赞助" in CliRunner().invoke(app, ["clean", "c", "--no-cache"]).stdout
    (corpus / "ipcorpus.toml").write_text(USER_TOML, encoding="utf-8")
    res = CliRunner().invoke(app, ["clean", "c", "--explain", "--no-cache"])
    assert res.exit_code == 0, res.stderr
    assert f"c/a.txt:{len(lines)}: [sponsor-line] 本栏目由某某汽车独家赞助" in res.stdout.splitlines()
    kept = CliRunner().invoke(app, ["clean", "c", "--no-cache"]).stdout
    assert "独家赞助" not in kept and PROSE[0] in kept
    # --keep-rule applies to user rules too.
    res = CliRunner().invoke(app, ["clean", "c", "--no-cache", "--keep-rule", "sponsor-line"])
    assert "本栏目由某某汽车独家赞助" in res.stdout
    # `rules --config` lists it.
    listed = CliRunner().invoke(app, ["rules", "--config", str(corpus / "ipcorpus.toml")]).stdout
    assert any(row.startswith("sponsor-line\tpromotion\tuser\t") for row in listed.splitlines())


def test_user_rule_with_a_bad_pattern_is_a_usage_error(tmp_path, monkeypatch):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text("\n".join([TITLE, ""] + spaced(*PROSE)) + "\n", encoding="utf-8")
    (corpus / "ipcorpus.toml").write_text('[[clean.rule]]\nname = "x"\npatterns = ["([bad"]\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(app, ["clean", "c", "--no-cache"])
    assert res.exit_code == 2
    assert res.stderr.startswith("ipcorpus: error: ") and "bad pattern" in res.stderr


def test_drop_rule_english_line_through_the_cli(tmp_path, monkeypatch):
    corpus = tmp_path / "c"
    corpus.mkdir()
    english = "This is a long English line that a translation tool left in the page."
    lines = [TITLE, ""] + spaced(PROSE[0], english, *PROSE[1:])
    (corpus / "a.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    plain = json.loads(CliRunner().invoke(app, ["clean", "c", "--no-cache", "--format", "json"]).stdout)[0]
    assert {x["line"]: x["action"] for x in plain["lines"]}[5] == "keep"
    res = CliRunner().invoke(app, ["clean", "c", "--no-cache", "--format", "json", "--drop-rule", "english-line"])
    on = json.loads(res.stdout)[0]
    assert {x["line"]: x.get("rule") for x in on["lines"]}[5] == "english-line"


# -- a verdict for every line ---------------------------------------------------------------------------
_SNIPPETS = st.sampled_from([
    "", " ", "\u3000", "---", "{% hint %}", "{% endhint %}", "<style>", "</style>", "<!--", "-->", "##", "**",
    "分享至", "0", "2025-03-12 09:41:07", "相关推荐", "特别声明：本平台仅提供信息存储服务。", "END", "[![](x.png)",
    "](y)", "title: 标题", "网易首页 > 网易号 > 正文", "作者：林一舟", TITLE, *PROSE,
])
_TEXT = st.text(alphabet=st.sampled_from("创始人个人IP矩阵账号，。！？：|>-*#[]()<>{}%!/ \tabcAB01"), max_size=60)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(_SNIPPETS, _TEXT), min_size=1, max_size=40),
       st.sampled_from(["\n", "\r\n", "\r"]))
def test_every_line_gets_exactly_one_verdict(parts, newline):
    text = newline.join(parts)
    data = text.encode("utf-8")
    try:
        d = document_from_bytes("p.txt", data)
    except IpcorpusError:
        assert not any(p.strip() for p in parts), "only blank input may be refused"
        return
    n = len(split_lines(text))
    c = clean(d)
    assert [v.line for v in c.verdicts] == list(range(1, n + 1))
    counts = c.counts
    assert counts["keep"] + counts["drop"] + counts["blank"] == n
    for v in c.verdicts:
        assert v.action in ("keep", "drop", "blank")
        assert bool(v.rule) == (v.action == "drop"), v
        assert (v.action == "blank") == (not d.lines[v.line - 1].text.strip()), v
    assert len(c.plain) == n
