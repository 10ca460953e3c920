"""Organisation diagrams: the MED and AMO charts drawn as trees, laid out by Graphviz's `dot`.

The same diagrams go into the PDFs (meetings/documents.py) and onto the organisation page of
the portal and the admin (meetings/views.py), built from `charts.build_chart` so the boxes
and their counts are the chart's own. The layout follows the charts in a MED-aftale: HovedMED
at the top, an AfdelingsMED per område below it, and the local committees (or arbejdsmiljø-
grupper with their TRIO) hanging under their område in columns, so a wide level wraps
instead of running off the page.

A small kommune is one diagram. A large one (more than WHOLE_TREE committees) is an overview
(HovedMED and the områder, with their counts) and one diagram per område, split into pages of
at most PER_PAGE committees so the text stays readable on A3 at København's size.

Without Graphviz installed `available()` is False and the callers fall back to the lists.
"""

from __future__ import annotations

import html
import logging
import math
import os
import re
import shutil
import subprocess
import tempfile
import textwrap
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import graphviz
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from committees.models import Committee

from .charts import (
    AMO_CHART_KINDS,
    AMO_GROUPS,
    MED_GROUPS,
    Chart,
    ChartCommittee,
    ChartSection,
    build_chart,
)

logger = logging.getLogger(__name__)

WHOLE_TREE = 80  # up to this many committees the whole kommune is one diagram
PER_PAGE = 36  # committees of one område on one diagram page

FONT = "DejaVu Sans"
FILL = {
    Committee.Kind.HOVEDMED: "#d6e4f5",
    Committee.Kind.AFDELINGSMED: "#e3efd9",
    Committee.Kind.LOKALMED: "#ffffff",
    Committee.Kind.PERSONALEMOEDE: "#fbf0d6",
    Committee.Kind.ADHOC: "#efe3f4",
    Committee.Kind.AMG: "#ffffff",
    Committee.Kind.TRIO: "#ffffff",
}
MINE = "#1d5fa8"

Link = Callable[[ChartCommittee], str | None]


@dataclass
class Diagram:
    title: str
    svg: str  # inline SVG markup, ids prefixed so several diagrams can share a page
    width_pt: float
    height_pt: float
    omraade_id: int | None = None  # the område a page shows; None for the overview/whole tree


def legend(chart: Chart) -> list[tuple[str, str]]:
    """(kind label, box colour) for the kinds the chart shows, in the order of the tree."""
    shown = {c.kind for s in chart.sections for _label, members in s.groups for c in members}
    shown |= {s.head.kind for s in chart.sections if s.head}
    if chart.top:
        shown.add(chart.top.kind)
    return [(str(kind.label), FILL[kind]) for kind in Committee.Kind if kind in shown]


def available() -> bool:
    return shutil.which("dot") is not None


# --- labels --------------------------------------------------------------------------------------


def _lines(text: str, width: int = 30) -> str:
    if len(text) <= width and text.isprintable() and text == text.strip():
        return html.escape(text)  # what wrap() would give, without its cost (most lines)
    lines = textwrap.wrap(text, width, break_on_hyphens=False, break_long_words=False)
    return "<BR/>".join(html.escape(line) for line in lines or [""])


def _people(committee: ChartCommittee) -> list[str]:
    return [f"{s['role_label']}: {s['name']}" for s in committee.key_people]


def _label(committee: ChartCommittee, extra: list[str] | None = None, people: bool = True) -> str:
    """An HTML-like label: the name in bold, the units it covers, its key people and its TRIO."""
    rows = [f"<TR><TD><B>{_lines(committee.name)}</B></TD></TR>"]
    units = ", ".join(committee.units)
    if units and units != committee.name:
        rows.append(f'<TR><TD><FONT POINT-SIZE="8">{_lines(units, 38)}</FONT></TD></TR>')
    for line in extra or []:
        rows.append(f'<TR><TD><FONT POINT-SIZE="8">{html.escape(line)}</FONT></TD></TR>')
    if people:
        for line in _people(committee):
            rows.append(f'<TR><TD><FONT POINT-SIZE="8">{_lines(line, 40)}</FONT></TD></TR>')
        for child in committee.children:
            names = "; ".join(_people(child))
            text = f"{child.name}: {names}" if names else child.name
            rows.append(
                f'<TR><TD><FONT POINT-SIZE="7.5" COLOR="#444444">{_lines(text, 44)}</FONT></TD></TR>'
            )
    return f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">{"".join(rows)}</TABLE>>'


# --- graphs --------------------------------------------------------------------------------------


class _Builder:
    def __init__(self, link: Link, mine: set[int]):
        self.link = link
        self.mine = mine
        self.graph = graphviz.Digraph(
            graph_attr={
                "rankdir": "TB",
                "splines": "ortho",
                "nodesep": "0.22",
                "ranksep": "0.35",
                "ordering": "out",
                "bgcolor": "transparent",
                "fontname": FONT,
                "pad": "0.1",
            },
            node_attr={
                "shape": "box",
                "style": "rounded,filled",
                "color": "#6b7785",
                "fontname": FONT,
                "fontsize": "10",
                "margin": "0.08,0.05",
            },
            edge_attr={"arrowhead": "none", "color": "#7a8794", "penwidth": "1.1"},
        )

    def node(self, committee: ChartCommittee, label: str, href: str | None = None) -> str:
        name = f"c{committee.pk}"
        mine = committee.pk in self.mine or any(c.pk in self.mine for c in committee.children)
        attrs = {
            "label": label,
            "fillcolor": FILL.get(committee.kind, "#ffffff"),
            "class": "committee mine" if mine else "committee",
            "tooltip": committee.name,
        }
        if mine:
            attrs.update(color=MINE, penwidth="2.6")
        target = href if href is not None else self.link(committee)
        if target:
            attrs.update(URL=target, target="_top")
        self.graph.node(name, **attrs)
        return name

    def edge(self, tail: str, head: str) -> None:
        self.graph.edge(tail, head)

    def hang(self, parent: str | None, committees: list[ChartCommittee], height: int) -> None:
        """The committees under `parent` in columns of `height` boxes, each column a chain."""
        for start in range(0, len(committees), height):
            previous = parent
            for committee in committees[start : start + height]:
                name = self.node(committee, _label(committee))
                if previous is not None:
                    self.edge(previous, name)
                previous = name


def _column_height(column_counts: list[int]) -> int:
    """How many boxes a hanging column holds: the smallest height that keeps the diagram no
    wider than about 1.5 times its height (A3/A4 landscape), with boxes ~2.2x wider than tall."""
    most = max(column_counts, default=1)
    for height in range(4, max(most, 4) + 1):
        columns = sum(max(1, math.ceil(n / height)) for n in column_counts)
        if columns * 2.2 <= 1.5 * (height + 2):
            return height
    return max(most, 4)


def _members(section: ChartSection) -> list[ChartCommittee]:
    return [c for _label, members in section.groups for c in members]


def _whole(chart: Chart, link: Link, mine: set[int]) -> graphviz.Digraph:
    builder = _Builder(link, mine)
    top = builder.node(chart.top, _label(chart.top)) if chart.top else None
    heads = [(section, _members(section)) for section in chart.sections]
    height = _column_height([len(members) for _section, members in heads])
    for section, members in heads:
        parent = top
        if section.head is not None:
            parent = builder.node(section.head, _label(section.head))
            if top is not None:
                builder.edge(top, parent)
        builder.hang(parent, members, height)
    return builder.graph


def _count_line(section: ChartSection) -> list[str]:
    return [
        ngettext("%(n)s udvalg eller gruppe", "%(n)s udvalg og grupper", n) % {"n": n}
        for n in [len(_members(section))]
    ]


def _overview(chart: Chart, link: Link, mine: set[int], section_link) -> graphviz.Digraph:
    builder = _Builder(link, mine)
    top = builder.node(chart.top, _label(chart.top)) if chart.top else None
    heads = [s for s in chart.sections if s.head is not None]
    height = _column_height([len(heads)]) if len(heads) > 8 else 1
    for start in range(0, len(heads), height):
        previous = top
        for section in heads[start : start + height]:
            label = _label(section.head, _count_line(section), people=True)
            name = builder.node(section.head, label, href=section_link(section))
            if previous is not None:
                builder.edge(previous, name)
            previous = name
    return builder.graph


def _section_pages(section: ChartSection, link: Link, mine: set[int]) -> list[graphviz.Digraph]:
    members = _members(section)
    pages = []
    for start in range(0, max(len(members), 1), PER_PAGE):
        chunk = members[start : start + PER_PAGE]
        builder = _Builder(link, mine)
        parent = builder.node(section.head, _label(section.head)) if section.head else None
        builder.hang(parent, chunk, _column_height([len(chunk)]))
        pages.append(builder.graph)
    return pages


# --- rendering -----------------------------------------------------------------------------------

_SIZE = re.compile(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"')


def _clean_svg(svg: str, prefix: str) -> tuple[str, float, float]:
    svg = svg[svg.index("<svg") :]
    match = _SIZE.search(svg)
    width, height = (float(match.group(1)), float(match.group(2))) if match else (0.0, 0.0)
    # Node names ("c12") are not for people: drop dot's <title>s; prefix its ids so several
    # diagrams can share one page; size and role are set by the caller.
    svg = re.sub(r"<title>[^<]*</title>\n?|<!--.*?-->\n?", "", svg)
    svg = re.sub(r'id="([^"]+)"', lambda m: f'id="{prefix}{m.group(1)}"', svg)
    svg = _SIZE.sub("<svg", svg, count=1)
    return svg, width, height


def _pages(
    chart: Chart,
    *,
    link: Link,
    mine: set[int],
    section_link,
    whole: bool | None,
    overview: bool,
    sections: bool,
) -> list[tuple[str, graphviz.Digraph, int | None]]:
    """(title, graph, område id) for each page of the chart."""
    if whole is None:
        whole = chart.total <= WHOLE_TREE
    if whole:
        return [(_("Hele organisationen"), _whole(chart, link, mine), None)]
    work = []
    if overview:
        work.append((_("Oversigt"), _overview(chart, link, mine, section_link), None))
    for section in chart.sections if sections else ():
        pages = _section_pages(section, link, mine)
        for number, graph in enumerate(pages, 1):
            title = section.title
            if len(pages) > 1:
                title = _("%(title)s (side %(n)s af %(of)s)") % {
                    "title": title,
                    "n": number,
                    "of": len(pages),
                }
            work.append((title, graph, section.omraade_id))
    return work


# dot runs as a subprocess. Starting one costs about as much CPU as laying out and drawing a page
# (plugins, fontconfig, pango), so each process draws a batch of pages in turn, one batch per
# core: København's 43-page AMO chart took 43 processes before.
DOT_PROCESSES = min(4, os.cpu_count() or 1)


def _batches(graphs: list[graphviz.Digraph], count: int) -> list[list[graphviz.Digraph]]:
    """`graphs` in at most `count` consecutive batches of about the same amount of DOT."""
    sizes = [len(graph.source) for graph in graphs]
    share = sum(sizes) / max(1, min(count, len(graphs)))
    batches: list[list[graphviz.Digraph]] = [[]]
    filled = 0
    for graph, size in zip(graphs, sizes, strict=True):
        if batches[-1] and filled + size / 2 > share * len(batches) and len(batches) < count:
            batches.append([])
        batches[-1].append(graph)
        filled += size
    return batches


_COMPLETE = {"pdf": b"%%EOF", "svg": b"</svg>"}


def _dot(
    sources: list[str], fmt: str, folder: str
) -> tuple[list[bytes], subprocess.CompletedProcess]:
    """One dot process draws `sources` in turn (`-O`: one output file per graph). Returns the
    drawings it finished, fewer than asked when it died on one, and the process."""
    handle, name = tempfile.mkstemp(suffix=".gv", dir=folder)
    with os.fdopen(handle, "w", encoding="utf-8") as file:
        file.write("\n".join(sources))
    done = subprocess.run(["dot", f"-T{fmt}", "-O", name], capture_output=True, check=False)
    drawn = []
    for number in range(1, len(sources) + 1):
        output = f"{name}.{fmt}" if number == 1 else f"{name}.{number}.{fmt}"
        if not os.path.exists(output):
            break
        with open(output, "rb") as file:
            drawn.append(file.read())
    if done.returncode and drawn and _COMPLETE[fmt] not in drawn[-1][-32:]:
        drawn.pop()  # cut off while being written
    return drawn, done


def _draw_batch(graphs: list[graphviz.Digraph], fmt: str, folder: str) -> list[bytes]:
    """A batch through dot. Its orthogonal router aborts on some graphs (maze.c "chkSgraph"
    assertion, seen on København-sized områder), taking the process with it: that page is
    drawn with straight polylines, and the batch goes on from there in a new process."""
    drawn: list[bytes] = []
    while len(drawn) < len(graphs):
        rest = graphs[len(drawn) :]
        outputs, done = _dot([graph.source for graph in rest], fmt, folder)
        drawn.extend(outputs)
        if len(outputs) == len(rest):
            break
        failed = rest[len(outputs)]
        if failed.graph_attr.get("splines") != "ortho":
            raise graphviz.CalledProcessError(
                done.returncode or 1, done.args, output=done.stdout, stderr=done.stderr
            )
        logger.info("dot's orthogonal edges failed; drawing the page with polylines")
        failed.graph_attr["splines"] = "polyline"
    return drawn


def _pipe_all(graphs: list[graphviz.Digraph], fmt: str) -> list[bytes]:
    """Every page through dot, the batches side by side on the machine's cores."""
    if not graphs:
        return []
    batches = _batches(graphs, DOT_PROCESSES)
    with (
        tempfile.TemporaryDirectory(prefix="diagrams-") as folder,
        ThreadPoolExecutor(max_workers=len(batches)) as pool,
    ):
        drawn = pool.map(lambda batch: _draw_batch(batch, fmt, folder), batches)
        return [data for batch in drawn for data in batch]


def diagrams(
    chart: Chart,
    *,
    link: Link = lambda committee: None,
    mine: set[int] | frozenset = frozenset(),
    section_link=lambda section: None,
    whole: bool | None = None,
    overview: bool = True,
    sections: bool = True,
) -> list[Diagram]:
    """The chart's diagrams as inline SVG: the whole tree, or an overview and the områder's
    pages.

    `link(committee)` gives the address a box opens (None: not clickable); `mine` are the
    viewer's own committees, drawn highlighted; `section_link(section)` is where an område's
    box in the overview leads (its own page). `overview`/`sections` leave out the overview or
    the områder's pages of a large chart (one område alone; the overview alone)."""
    work = _pages(
        chart,
        link=link,
        mine=set(mine),
        section_link=section_link,
        whole=whole,
        overview=overview,
        sections=sections,
    )
    rendered = [
        _clean_svg(data.decode("utf-8"), f"d{number}-")
        for number, data in enumerate(_pipe_all([graph for _t, graph, _o in work], "svg"))
    ]
    return [
        Diagram(title, svg, width, height, omraade_id)
        for (title, _graph, omraade_id), (svg, width, height) in zip(work, rendered, strict=True)
    ]


# --- the PDF -------------------------------------------------------------------------------------

A3_LANDSCAPE = (1190.55, 841.89)  # points
DRAWING_INCHES = "15.6,10.6"  # A3 landscape less 14 mm margins: dot scales a larger page down


def _page_label(
    kommune: str, heading: str, title: str, subtitle: str, legend, footer, proposals=()
) -> str:
    swatches = "".join(
        f'<TD BGCOLOR="{colour}" BORDER="1" COLOR="#6b7785" WIDTH="10" HEIGHT="10"></TD>'
        f'<TD ALIGN="LEFT"><FONT POINT-SIZE="8"> {html.escape(label)}   </FONT></TD>'
        for label, colour in legend
    )
    rows = [
        f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="8" COLOR="#555555">{html.escape(kommune)}'
        "</FONT></TD></TR>",
        f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="16"><B>{html.escape(heading)}</B></FONT></TD></TR>',
        f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="11">{html.escape(title)} · '
        f"{html.escape(subtitle)}</FONT></TD></TR>",
    ]
    if swatches:
        rows.append(
            '<TR><TD ALIGN="LEFT"><TABLE BORDER="0" CELLSPACING="2" CELLPADDING="0"><TR>'
            f"{swatches}</TR></TABLE></TD></TR>"
        )
    if proposals:
        # The drawing is the approved structure; what awaits HovedMED is listed, marked as such.
        rows.append(
            '<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="9" COLOR="#8a4b00"><B>'
            f"{html.escape(str(_('Foreslåede ændringer – afventer HovedMED (ikke vist i diagrammet)')))}"
            "</B></FONT></TD></TR>"
        )
        rows.extend(
            f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="9" COLOR="#8a4b00">• {html.escape(line)}'
            "</FONT></TD></TR>"
            for line in proposals
        )
    rows.append(
        f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="8" COLOR="#555555">{html.escape(footer)}'
        "</FONT></TD></TR>"
    )
    return '<<TABLE BORDER="0" CELLSPACING="0" CELLPADDING="1">' + "".join(rows) + "</TABLE>>"


def pdf(
    chart: Chart,
    *,
    kommune: str,
    heading: str,
    subtitle: str,
    legend: list[tuple[str, str]],
    whole: bool | None = None,
    overview: bool = True,
    sections: bool = True,
    proposals: list[str] = (),
) -> bytes:
    """The chart as a PDF of A3 landscape pages, drawn by Graphviz itself (cairo: vector lines,
    real text) and joined into one document (`join_pdfs`) — a København chart of ~40 pages in
    well under a second, where HTML/SVG through WeasyPrint takes 20 s. Each page carries the
    kommune, the title, the område, the legend, the proposed changes awaiting HovedMED, when it
    was printed and its number."""
    from django.utils import formats, timezone

    work = _pages(
        chart,
        link=lambda committee: None,
        mine=set(),
        section_link=lambda section: None,
        whole=whole,
        overview=overview,
        sections=sections,
    )
    now = timezone.localtime()
    printed = _("Udskrevet %(day)s kl. %(time)s") % {
        "day": formats.date_format(now, "DATE_FORMAT"),
        "time": now.strftime("%H.%M"),
    }
    graphs = []
    for number, (title, graph, _omraade) in enumerate(work, 1):
        footer = _("%(printed)s · Side %(n)s af %(of)s") % {
            "printed": printed,
            "n": number,
            "of": len(work),
        }
        graph.graph_attr.update(
            size=DRAWING_INCHES,
            labelloc="t",
            labeljust="l",
            label=_page_label(kommune, heading, title, subtitle, legend, footer, proposals),
        )
        graphs.append(graph)
    return join_pdfs(_pipe_all(graphs, "pdf"), page=A3_LANDSCAPE, title=heading, author=kommune)


# --- joining the pages ---------------------------------------------------------------------------
#
# dot draws one PDF per page. pypdf joined them in ~0.5 s for København's AMO chart: it parses
# every object of every page. The PDFs cairo writes are simple (one page, a classic xref table,
# no object streams), so their objects are copied as they are, renumbered, under one page tree;
# only the dictionaries are touched, never a stream. Anything else (another cairo) goes to pypdf.

_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
_XREF_HEAD = re.compile(rb"xref\s+0\s+(\d+)\s+")
_XREF_ENTRY = re.compile(rb"(\d{10}) (\d{5}) ([nf])\s{1,2}")
_INFO = re.compile(rb"/Info\s+(\d+)\s+0\s+R")
_OBJ_HEAD = re.compile(rb"(\d+)\s+0\s+obj\b")
_OBJ_TYPE = re.compile(rb"^\s*<<\s*/Type\s*/(Catalog|Pages|Page)\b")
_STREAM = re.compile(rb">>\s*stream\r?\n")
_REF = re.compile(rb"(\d+)\s+0\s+R\b")
_MEDIABOX = re.compile(rb"/MediaBox\s*\[\s*([-\d.\s]+?)\s*\]")


class _NotSimple(Exception):
    """The PDF is not the simple kind cairo writes: join with pypdf."""


def _pdf_objects(data: bytes) -> tuple[dict[int, bytes], int | None]:
    """The objects of a simple PDF (number -> what lies between "obj" and "endobj") and the
    number of its Info dictionary."""
    end = _STARTXREF.search(data, max(0, len(data) - 64))
    if end is None:
        raise _NotSimple("no startxref")
    table = int(end.group(1))
    head = _XREF_HEAD.match(data, table)
    if head is None:
        raise _NotSimple("no classic xref table")
    position, offsets = head.end(), []
    for number in range(int(head.group(1))):
        entry = _XREF_ENTRY.match(data, position)
        if entry is None:
            raise _NotSimple("xref entry")
        position = entry.end()
        if entry.group(3) == b"n":
            if entry.group(2) != b"00000":
                raise _NotSimple("generation")
            offsets.append((int(entry.group(1)), number))
    if not data.startswith(b"trailer", position):
        raise _NotSimple("more than one xref section")
    info = _INFO.search(data, position)
    offsets.sort()
    objects = {}
    for (start, number), (stop, _next) in zip(offsets, [*offsets[1:], (table, None)], strict=True):
        chunk = data[start:stop]
        header = _OBJ_HEAD.match(chunk)
        close = chunk.rfind(b"endobj")
        if header is None or int(header.group(1)) != number or close < 0:
            raise _NotSimple(f"object {number}")
        objects[number] = chunk[header.end() : close]
    return objects, int(info.group(1)) if info else None


def _pdf_string(text: str) -> bytes:
    return b"<" + ("\ufeff" + text).encode("utf-16-be").hex().upper().encode() + b">"


def _centred(box: bytes, page: tuple[float, float]) -> bytes:
    """`page` around the drawing, by moving the page's box rather than the drawing (rewriting
    the content stream would mean parsing it)."""
    left, bottom, right, top = (float(n) for n in box.split())
    x = left - (page[0] - (right - left)) / 2
    y = bottom - (page[1] - (top - bottom)) / 2
    return b"/MediaBox [ %.2f %.2f %.2f %.2f ]" % (x, y, x + page[0], y + page[1])


class _Joiner:
    """Copies the objects of simple one-page PDFs into one document, renumbered: 1 is the page
    tree, 2 the catalogue, then the pages' objects; each document's own tree, catalogue and
    Info are left out."""

    def __init__(self, page: tuple[float, float]):
        self.page = page
        self.out = bytearray(b"%PDF-1.5\n%\xb5\xed\xae\xfb\n")
        self.offsets: dict[int, int] = {}
        self.kids: list[int] = []
        self.next_number = 3

    def write(self, number: int, body: bytes) -> None:
        self.offsets[number] = len(self.out)
        self.out += b"%d 0 obj" % number + body + b"endobj\n"

    def add(self, document: bytes) -> None:
        objects, info = _pdf_objects(document)
        kinds = {}
        for number, body in objects.items():
            match = _OBJ_TYPE.match(body)
            if match:
                kinds[number] = match.group(1)
        if sorted(kinds.values()) != [b"Catalog", b"Page", b"Pages"]:
            raise _NotSimple("not a single page")
        numbers = {n: 1 for n, kind in kinds.items() if kind == b"Pages"}
        kept = [
            n for n in sorted(objects) if n != info and kinds.get(n) not in (b"Catalog", b"Pages")
        ]
        for n in kept:
            numbers[n] = self.next_number
            self.next_number += 1

        def renumber(match: re.Match) -> bytes:
            number = numbers.get(int(match.group(1)))
            if number is None:
                raise _NotSimple(f"reference to {match.group(1)}")
            return b"%d 0 R" % number

        for n in kept:
            body = objects[n]
            stream = _STREAM.search(body)
            head, tail = (body[: stream.start()], body[stream.start() :]) if stream else (body, b"")
            head = _REF.sub(renumber, head)
            if kinds.get(n) == b"Page":
                self.kids.append(numbers[n])
                head, found = _MEDIABOX.subn(lambda m: _centred(m.group(1), self.page), head, 1)
                if not found:
                    raise _NotSimple("a page without a MediaBox")
            self.write(numbers[n], head + tail)

    def finish(self, title: str, author: str) -> bytes:
        kids = b" ".join(b"%d 0 R" % kid for kid in self.kids)
        self.write(1, b"\n<< /Type /Pages /Kids [ %s ] /Count %d >>\n" % (kids, len(self.kids)))
        self.write(2, b"\n<< /Type /Catalog /Pages 1 0 R >>\n")
        info = self.next_number
        self.write(
            info,
            b"\n<< /Title %s /Author %s /Producer (Graphviz, cairo) >>\n"
            % (_pdf_string(title), _pdf_string(author)),
        )
        table = len(self.out)
        self.out += b"xref\n0 %d\n0000000000 65535 f \n" % (info + 1)
        self.out += b"".join(b"%010d 00000 n \n" % self.offsets[n] for n in range(1, info + 1))
        self.out += b"trailer\n<< /Size %d /Root 2 0 R /Info %d 0 R >>\n" % (info + 1, info)
        self.out += b"startxref\n%d\n%%%%EOF\n" % table
        return bytes(self.out)


def _join_simple(documents: list[bytes], page, title: str, author: str) -> bytes:
    joiner = _Joiner(page)
    for document in documents:
        joiner.add(document)
    return joiner.finish(title, author)


def _join_with_pypdf(documents: list[bytes], page, title: str, author: str) -> bytes:
    import io

    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import RectangleObject

    writer = PdfWriter()
    for data in documents:
        writer.append(PdfReader(io.BytesIO(data)))
    for each in writer.pages:
        box = each.mediabox
        centred = _centred(
            b"%f %f %f %f" % (float(box.left), float(box.bottom), float(box.right), float(box.top)),
            page,
        )
        numbers = [float(n) for n in _MEDIABOX.match(centred).group(1).split()]
        each.mediabox = each.cropbox = each.trimbox = RectangleObject(numbers)
    writer.add_metadata({"/Title": title, "/Author": author})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def join_pdfs(
    documents: list[bytes], *, page: tuple[float, float], title: str, author: str
) -> bytes:
    """One PDF of the pages of `documents`, each page centred on `page` (points)."""
    try:
        return _join_simple(documents, page, title, author)
    except _NotSimple as error:
        logger.info("joining the chart's pages with pypdf (%s)", error)
        return _join_with_pypdf(documents, page, title, author)


def safe_diagrams(chart: Chart, **kwargs) -> list[Diagram] | None:
    """`diagrams`, or None when Graphviz is missing or fails (the caller shows lists)."""
    return _safely(diagrams, chart, **kwargs)


def safe_pdf(chart: Chart, **kwargs) -> bytes | None:
    """`pdf`, or None when Graphviz is missing or fails (the caller prints lists)."""
    return _safely(pdf, chart, **kwargs)


def _safely(function, chart, **kwargs):
    if not available():
        return None
    try:
        return function(chart, **kwargs)
    except (graphviz.ExecutableNotFound, graphviz.CalledProcessError, OSError):
        logger.exception("organisation diagram could not be laid out")
        return None


# --- the organisation page (portal and admin) ----------------------------------------------------

CHOICES = (("med", "MED"), ("amo", "AMO"))


def page_context(request, *, link: Link, mine: set[int]) -> dict:
    """What the organisation page shows for `?diagram=med|amo&omraade=<unit id>`: the whole
    tree (small kommune), the overview with a page per område (large), or one område."""
    from organisations.models import Unit

    kind = request.GET.get("diagram") if request.GET.get("diagram") in ("med", "amo") else "med"
    omraader = list(
        Unit.objects.filter(kind=Unit.Kind.OMRAADE, closed_on__isnull=True).order_by("name")
    )
    omraade = None
    wanted = request.GET.get("omraade")
    if wanted:
        omraade = next((u for u in omraader if str(u.pk) == wanted), None)
    if kind == "med":
        chart = build_chart(Committee.MED_KINDS, MED_GROUPS, omraade)
        title = _("MED-organisationen")
    else:
        chart = build_chart(AMO_CHART_KINDS, AMO_GROUPS, omraade)
        title = _("Arbejdsmiljøorganisationen")

    def section_link(section: ChartSection) -> str | None:
        if section.omraade_id is None:
            return None
        return f"?diagram={kind}&omraade={section.omraade_id}"

    if omraade is not None:
        options = {"whole": False, "overview": False}
    elif chart.total > WHOLE_TREE:  # a large kommune: the overview; each område on its own
        options = {"whole": False, "sections": False}
    else:
        options = {}
    found = safe_diagrams(chart, link=link, mine=mine, section_link=section_link, **options)
    return {
        "title": title,
        "diagram": kind,
        "choices": CHOICES,
        "omraader": omraader,
        "omraade": omraade,
        "chart": chart,
        "diagrams": found,
        "legend": legend(chart),
        "mine_count": len(mine),
    }
