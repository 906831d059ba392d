"""What a 范文 site adds to a page, as named rules: boilerplate, navigation, bylines, footers,
site-name watermarks and repeated titles.

Each rule marks what it removes, so a preview can show the page with the removed parts
highlighted and a report can count them. Rules look at whole lines or whole sentences; a
watermark is the one thing cut out of the middle of a sentence, and only when the same string
also stands on a line of its own or names a site.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from rag.text.zh import parse_heading

HAN = "\u4e00-\u9fff"

# Rule names, in the order they run, with the words a user reads.
RULES = {
    "footer": "页脚与版权声明",
    "navigation": "导航与页面按钮",
    "byline": "署名与发布信息",
    "boilerplate": "站点套话",
    "watermark": "站名水印",
    "repeated_title": "重复的标题",
    "seo": "插入句中的标题（SEO）",
}

# A piece of a line and the rule that removes it (None: kept).
Piece = tuple[str, str | None]

# Cut after end punctuation (and what closes after it): the pieces join back into the line.
_SENTENCE_END = re.compile(r"(?<=[。！？!?])(?![。！？!?”’」）)])|(?<=[。！？!?][”’」）)])")

# A site's footer: removed as a sentence wherever it stands.
_FOOTER = re.compile(
    r"(?i)copyright|all\s+rights\s+reserved|版权所有|©|\(c\)\s*\d{4}|ICP\s*备|ICP证|"
    r"备案号|公网安备|网安备|增值电信|"
    r"本站(?:为|是|所有|内容|资源|文章|部分|仅|收录|声明|不保证|不承担|提供的|所收集)|"
    r"(?:如有|若有|涉及)侵权|侵权(?:请|必)?(?:联系|删)|免责声明|"
    r"交文档|文档(?:易|交易|分享)平台|由会员分享|请在[^。]{1,12}上搜索"
)
# A footer's menu words: removed only as a short line of their own ("有困难请联系我们" stays).
_FOOTER_MENU = re.compile(r"联系我们|关于我们|网站地图|意见反馈|广告合作|举报(?:电话|邮箱)")
_NAV_START = re.compile(
    r"^(?:当前位置|您的位置|你的位置|您现在的位置|你现在的位置|所在位置)[:：]|"
    r"^(?:上一篇|下一篇|上一页|下一页|前一篇|后一篇)[:：]?|"
    r"^(?:标签|TAG标签|Tags?|本文标签)(?:[:：]|$)"
)
# A header under which a site lists links to its other pages.
_LINKS_HEADER = re.compile(
    r"^(?:相关(?:文章|推荐|阅读|范文|专题|搜索|资源)|热门(?:文章|推荐|范文|搜索)|猜你喜欢|"
    r"推荐阅读|延伸阅读|精彩推荐|分享推荐|最新(?:文章|范文|更新|列表)|大家都在看|网友都在看)"
    r"(?:[:：]|$)|"
    r"^看了.{0,40}的人(?:还|也)看了"
)
# Page buttons and menu words: a line made of nothing else is navigation.
_NAV_WORD = (
    r"首页|主页|返回(?:首页|顶部|列表)?|设为首页|加入收藏|收藏本站|收藏本文|收藏|分享到?|"
    r"打印(?:本页|本文)?|关闭(?:窗口|本页)?|下载(?:本文|全文|资源|文档|Word|word|文档到电脑)?|"
    r"免费下载|点击下载|立即下载|复制(?:全文|本文)?|举报|纠错|评论|登录|注册|搜索|相关|"
    r"English|进入旧版|手机版|电脑版|资源描述|阅读全文|展开全文|查看全文|点击查看更多|"
    r"查看更多|更多|字号|字体|大|中|小|上一篇|下一篇|目录|顶|踩"
)
_NAV_ONLY = re.compile(
    rf"^(?:[\[【（(「<]?\s*(?:点击)?(?:{_NAV_WORD})\s*[\]】）)」>]*[\s|｜/·>»:：]*)+$"
)
_PAGE_COUNTER = re.compile(
    r"^(?:第\s*\d+\s*页\s*[/／]\s*共\s*\d+\s*页|.{1,40}_第\d+页|[-—=*~·]{3,})$"
)
_CRUMB_SEP = re.compile(r"\s*(?:>>|>|»|→|/|＞|›)\s*")
_BYLINE_FIELDS = (
    r"发布时间|发布日期|发表时间|更新时间|上传时间|录入时间|来源|文章来源|作者|编辑|责任编辑|"
    r"录入|上传人|上传者|投稿|浏览次数|浏览|阅读次数|阅读量|阅读|点击次数|点击数|点击|评论|"
    r"人气|文档编号|格式|页数|大小|下载次数|字数|分类|发布者|发布人"
)
_BYLINE_FIELD = re.compile(
    rf"(?:^|\s|[\[【|｜])(?:(?:{_BYLINE_FIELDS})\s*(?:[:：]|[(（]\d)|发表于\s*\d)"
)
_BYLINE_START = re.compile(
    rf"^[\[【]?(?:{_BYLINE_FIELDS})\s*[:：]|^[{HAN}A-Za-z\d]{{1,8}}人气[:：]\s*[\d.]+"
)
_ISO_DATE = re.compile(r"(?<!\d)(?:19|20)\d{2}[-/.](?:0?[1-9]|1[0-2])[-/.](?:0?[1-9]|[12]\d|3[01])")
_BYLINE_BAR = re.compile(rf"^[|｜]\s*[{HAN}A-Za-z·]{{2,12}}$")
_BOILERPLATE = re.compile(
    r"小编|本文(?:由|来源|来自|系|转载|仅代表)|转载(?:请|自|于)|"
    r"希望(?:大家|你|您|对你|对您|对大家|本文|以上|这些|此文|这篇|本篇|能)[^。！，]{0,12}"
    r"(?:喜欢|有所帮助|有帮助|带来帮助|启发|借鉴|用得上|期待|要求)|"
    r"(?:如果|如)(?:您|你)?还有(?:其他|别的|任何)(?:要求|问题|需要)|随时告诉我|"
    r"欢迎(?:大家)?(?:阅读|参考|借鉴|收藏|分享|下载)|仅供(?:大家)?参考|供(?:大家|您|你)参考|"
    r"(?:更多|查看更多|想了解更多)[^。！]{0,20}(?:请|敬请)(?:关注|访问|点击|浏览|查看)|"
    r"(?:为您|为你|为大家)(?:精心)?(?:整理|收集|搜集|推荐)|以下是[^。！]{0,30}整理的|"
    r"点击(?:这里|此处|下载|查看|进入)|(?:文章|范文|资料)(?:仅供|来源于网络)|"
    r"感谢(?:您的)?阅读|喜欢(?:就|的话)?(?:收藏|分享)"
)
# What a site's name looks like: a 范文/文秘/公文/文库 site or a domain (strong: removed
# wherever it turns up twice); a name with digits, or one before a site's menu (weak: only
# together with a line of its own).
_SITE_STRONG = re.compile(
    rf"(?i)(?:www\.)?[a-z\d-]+\.(?:com|cn|net|org)(?:\.cn)?|"
    rf"[{HAN}]{{2,4}}(?:范文网|文秘网|公文网|文库|文档网|资料网|范文大全|作文网|文章网|学习网)"
)
_SITE_WEAK = re.compile(rf"[{HAN}]{{1,6}}(?:网|屋|吧)(?=人气|首页|[:：>|])|[{HAN}]{{2,4}}\d{{3,}}")
_HEADING_START = re.compile(
    r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|\d+[、.．])"
)


@dataclass(frozen=True)
class Removal:
    """One thing a rule removed: the rule's name and the text."""

    rule: str
    text: str


def _line_rule(line: str) -> str | None:
    """The rule that removes a whole line, if any."""
    bare = line.strip()
    if _NAV_START.match(bare) or _LINKS_HEADER.match(bare) or _NAV_ONLY.match(bare):
        return "navigation"
    if _PAGE_COUNTER.match(bare):
        return "navigation"
    if _is_breadcrumb(bare):
        return "navigation"
    if _BYLINE_BAR.match(bare) or _is_byline(bare):
        return "byline"
    if "。" not in bare and (
        (len(bare) <= 60 and _FOOTER.search(bare))
        or (len(bare) <= 30 and _FOOTER_MENU.search(bare))
    ):
        return "footer"
    return None


def _is_breadcrumb(line: str) -> bool:
    parts = [p for p in _CRUMB_SEP.split(line) if p]
    if len(parts) < 3 or len(line) > 80 or re.search("[。，；！？]", line):
        return False
    return all(len(p) <= 12 for p in parts)


def _is_byline(line: str) -> bool:
    if len(line) > 100 or re.search("[。！？]", line):
        return False
    fields = len(_BYLINE_FIELD.findall(line)) + bool(_BYLINE_START.match(line))
    if fields == 0:
        return bool(
            re.fullmatch(rf"{_ISO_DATE.pattern}(?:\s+\d{{1,2}}:\d{{2}}(?::\d{{2}})?)?", line)
        )
    # "活动时间：" or "来源：" inside a plan's sentence has Chinese words around it; a byline
    # starts with its field or carries a web date or a counter.
    return bool(
        _BYLINE_START.match(line)
        or _ISO_DATE.search(line)
        or re.search(r"[:：]\s*[\d.]+\s*(?:[WwKk万]|次)?(?:\s|$)", line)
    )


def _sentence_rule(sentence: str) -> str | None:
    if _FOOTER.search(sentence):
        return "footer"
    if _BOILERPLATE.search(sentence):
        return "boilerplate"
    return None


def _watermarks(lines: list[str]) -> set[str]:
    """Strings a site cut into the page: a short line that also turns up inside other lines,
    when it names a site or turns up three times; and any site name seen twice or more."""
    found = set()
    text = "\n".join(lines)
    for line in set(lines):
        if not 4 <= len(line) <= 40 or re.search("[。！？]", line) or _is_heading_or_title(line):
            continue
        inside = sum(line in other and line != other for other in lines)
        site = _SITE_STRONG.search(line) or _SITE_WEAK.search(line)
        if inside and (site or inside + lines.count(line) >= 3):
            found.add(line)
    # "……好文章范文网" takes a few characters before the site's word: count each length.
    names = Counter(
        m[0][start:] for m in _SITE_STRONG.finditer(text) for start in range(len(m[0]) - 3)
    )
    found.update(name for name, n in names.items() if n >= 2 and _SITE_STRONG.fullmatch(name))
    return found


def _is_heading_or_title(line: str) -> bool:
    """A heading (一、 …, 工作目标) or a document's title: these recur inside sentences."""
    return bool(
        _HEADING_START.match(line)
        or parse_heading(line)
        or re.search(r"(?:计划|方案|总结|报告|安排|要点|意见|通知|篇|范文|大全)[）)]?$", line)
    )


def _is_link(line: str) -> bool:
    heading = parse_heading(line)
    return (
        len(line) <= 40 and not re.search("[。！？；]", line) and not (heading and heading[0] <= 2)
    )


# A browser tab's title: the page's title, then the site's name after "_", "-" or "|".
_TAB_TITLE = re.compile(
    rf"^(.{{4,40}}?)(\s*[_|｜-]\s*[{HAN}A-Za-z\d]{{2,10}}(?:网|站|屋|吧|文库|网站))$"
)


_TOP = 6  # the lines where a page's title stands


def _title_of(lines: list[str]) -> str | None:
    for line in lines[:_TOP]:
        if _line_rule(line):
            continue
        line = m[1] if (m := _TAB_TITLE.match(line)) else line
        if (
            len(line) <= 40
            and not re.search("[。，；！？]", line)
            and not _HEADING_START.match(line)
        ):
            return line
        return None
    return None


def mark_furniture(text: str) -> list[list[Piece]]:
    """Each line of the text as pieces, each kept (rule None) or removed by a named rule."""
    lines = text.split("\n")
    marks = _watermarks(lines)
    title = _title_of(lines)
    title_seen = False
    in_links = False
    out: list[list[Piece]] = []
    for n, line in enumerate(lines):
        rule = _line_rule(line)
        # Under "相关文章" a site lists links: short lines without a sentence in them.
        in_links = bool(_LINKS_HEADER.match(line)) or (in_links and rule is None and _is_link(line))
        if in_links and rule is None:
            rule = "navigation"
        if rule is None and n < _TOP and (tab := _TAB_TITLE.match(line)):
            out.append([(tab[1], None), (tab[2], "watermark")])
            if title is None or tab[1] == title:
                title, title_seen = tab[1], True
            continue
        if rule is None and line in marks:
            rule = "watermark"
        if rule is None and title is not None and line == title:
            rule = "repeated_title" if title_seen else None
            title_seen = True
        if rule:
            out.append([(line, rule)])
            continue
        out.append(_mark_sentences(line, marks))
    return out


def _mark_sentences(line: str, marks: set[str]) -> list[Piece]:
    pieces: list[Piece] = []
    for sentence in _SENTENCE_END.split(line):
        if not sentence:
            continue
        rule = _sentence_rule(sentence)
        if rule:
            pieces.append((sentence, rule))
            continue
        pieces.extend(_cut_marks(sentence, marks))
    return pieces


def _cut_marks(sentence: str, marks: set[str]) -> list[Piece]:
    """The sentence with every watermark inside it cut out."""
    if not marks:
        return [(sentence, None)]
    pattern = "|".join(re.escape(m) for m in sorted(marks, key=len, reverse=True))
    pieces: list[Piece] = []
    last = 0
    for m in re.finditer(pattern, sentence):
        pieces += [(sentence[last : m.start()], None), (m[0], "watermark")]
        last = m.end()
    pieces.append((sentence[last:], None))
    return [p for p in pieces if p[0]]


def kept_text(marked: list[list[Piece]]) -> str:
    """The text that is left: kept pieces, lines that kept nothing dropped."""
    lines = ("".join(t for t, rule in line if rule is None).strip() for line in marked)
    return "\n".join(line for line in lines if line)


def removals(marked: list[list[Piece]]) -> list[Removal]:
    """What the rules removed, in page order."""
    return [Removal(rule, t.strip()) for line in marked for t, rule in line if rule and t.strip()]
