"""Word files with the constructs Word writes, serialised as Word serialises them.

The package around the body is python-docx's default template, which Word
itself saved (its styles, numbering, settings and theme). Only the body, and
a footnotes part where one is wanted, are written here, element for element
in the shapes Word 2016 writes: rsid attributes on paragraphs and runs,
tracked changes with an author and a date, content controls with their
properties, complex fields in five runs, text boxes as DrawingML inside
`mc:AlternateContent` with their VML fallback.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import docx

NAMESPACES = (
    'xmlns:wpc="http://schemas.microsoft.com/office/word/2010/wordprocessingCanvas" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:o="urn:schemas-microsoft-com:office:office" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math" '
    'xmlns:v="urn:schemas-microsoft-com:vml" '
    'xmlns:wp14="http://schemas.microsoft.com/office/word/2010/wordprocessingDrawing" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:w10="urn:schemas-microsoft-com:office:word" '
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" '
    'xmlns:wpg="http://schemas.microsoft.com/office/word/2010/wordprocessingGroup" '
    'xmlns:wpi="http://schemas.microsoft.com/office/word/2010/wordprocessingInk" '
    'xmlns:wne="http://schemas.microsoft.com/office/word/2006/wordml" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'mc:Ignorable="w14 wp14"'
)
SECTION = (
    '<w:sectPr w:rsidR="00C4411F"><w:pgSz w:w="11906" w:h="16838"/>'
    '<w:pgMar w:top="1440" w:right="1440" w:bottom="1440" w:left="1440" w:header="708" '
    'w:footer="708" w:gutter="0"/><w:cols w:space="708"/><w:docGrid w:linePitch="360"/></w:sectPr>'
)
AUTHOR = 'w:author="Jo Bloggs" w:date="2024-03-04T10:12:00Z"'
FOOTNOTES_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
FOOTNOTES_CONTENT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"


def run(text: str, properties: str = "") -> str:
    """A run as Word writes it: xml:space="preserve" only where spaces lead or trail."""
    space = ' xml:space="preserve"' if text != text.strip() else ""
    rpr = f"<w:rPr>{properties}</w:rPr>" if properties else ""
    return f'<w:r w:rsidR="00A21C3E">{rpr}<w:t{space}>{escape(text)}</w:t></w:r>'


def paragraph(*content: str, style: str | None = None) -> str:
    ppr = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return f'<w:p w:rsidR="00C4411F" w:rsidRDefault="00A21C3E">{ppr}{"".join(content)}</w:p>'


def inserted(text: str, change: int = 1) -> str:
    return f'<w:ins w:id="{change}" {AUTHOR}>{run(text)}</w:ins>'


def deleted(text: str, change: int = 2) -> str:
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return (
        f'<w:del w:id="{change}" {AUTHOR}><w:r w:rsidDel="00A21C3E">'
        f"<w:delText{space}>{escape(text)}</w:delText></w:r></w:del>"
    )


def block_control(inner: str, alias: str, tag: str) -> str:
    """A rich-text content control around whole paragraphs."""
    return (
        f'<w:sdt><w:sdtPr><w:alias w:val="{alias}"/><w:tag w:val="{tag}"/><w:id w:val="-1781639"/>'
        f"</w:sdtPr><w:sdtEndPr/><w:sdtContent>{inner}</w:sdtContent></w:sdt>"
    )


def inline_control(text: str, alias: str) -> str:
    """A plain-text content control inside a paragraph."""
    return (
        f'<w:sdt><w:sdtPr><w:alias w:val="{alias}"/><w:tag w:val="{alias}"/>'
        '<w:id w:val="1420364151"/><w:text/></w:sdtPr><w:sdtContent>'
        f"{run(text)}</w:sdtContent></w:sdt>"
    )


def complex_field(instruction: str, result: str) -> str:
    """A field in five runs: begin, instruction, separate, result, end."""
    return (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve"> {escape(instruction)} </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        f"{run(result)}"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )


def simple_field(instruction: str, result: str) -> str:
    return f'<w:fldSimple w:instr=" {escape(instruction)} ">{run(result)}</w:fldSimple>'


def smart_tag(text: str, element: str) -> str:
    return (
        f'<w:smartTag w:uri="urn:schemas-microsoft-com:office:smarttags" w:element="{element}">'
        f"{run(text)}</w:smartTag>"
    )


def custom_xml(inner: str, element: str) -> str:
    uri = "http://example.org/leaflet"
    return f'<w:customXml w:uri="{uri}" w:element="{element}">{inner}</w:customXml>'


def text_box(*paragraphs: str) -> str:
    """A text box as Word 2010 and later write it: DrawingML in mc:Choice, VML in mc:Fallback."""
    content = f"<w:txbxContent>{''.join(paragraphs)}</w:txbxContent>"
    drawing = (
        '<w:drawing><wp:anchor distT="45720" distB="45720" distL="114300" distR="114300" '
        'simplePos="0" relativeHeight="251659264" behindDoc="0" locked="0" layoutInCell="1" '
        'allowOverlap="1" wp14:anchorId="2E5F1A7B" wp14:editId="0C3D9E21">'
        '<wp:simplePos x="0" y="0"/><wp:positionH relativeFrom="column"><wp:posOffset>3429000'
        '</wp:posOffset></wp:positionH><wp:positionV relativeFrom="paragraph"><wp:posOffset>45720'
        '</wp:posOffset></wp:positionV><wp:extent cx="2360930" cy="1404620"/>'
        '<wp:effectExtent l="0" t="0" r="22860" b="11430"/><wp:wrapSquare wrapText="bothSides"/>'
        '<wp:docPr id="217" name="Text Box 2"/><wp:cNvGraphicFramePr><a:graphicFrameLocks '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"/></wp:cNvGraphicFramePr>'
        '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
        '<a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        '<wps:wsp><wps:cNvSpPr txBox="1"><a:spLocks noChangeArrowheads="1"/></wps:cNvSpPr>'
        '<wps:spPr bwMode="auto"><a:xfrm><a:off x="0" y="0"/><a:ext cx="2360930" cy="1404620"/>'
        '</a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></wps:spPr>'
        f"<wps:txbx>{content}</wps:txbx>"
        '<wps:bodyPr rot="0" vert="horz" wrap="square" lIns="91440" tIns="45720" rIns="91440" '
        'bIns="45720" anchor="t" anchorCtr="0"><a:spAutoFit/></wps:bodyPr></wps:wsp>'
        "</a:graphicData></a:graphic></wp:anchor></w:drawing>"
    )
    fallback = (
        '<w:pict><v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" '
        'path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/>'
        '<v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>'
        '<v:shape id="Text Box 2" o:spid="_x0000_s1026" type="#_x0000_t202" '
        'style="position:absolute;margin-left:270pt;margin-top:3.6pt;width:185.9pt;'
        'height:110.6pt;z-index:251659264">'
        f'<v:textbox style="mso-fit-shape-to-text:t">{content}</v:textbox>'
        '<w10:wrap type="square"/></v:shape></w:pict>'
    )
    return (
        '<w:r><mc:AlternateContent><mc:Choice Requires="wps">'
        f"{drawing}</mc:Choice><mc:Fallback>{fallback}</mc:Fallback></mc:AlternateContent></w:r>"
    )


def footnote_reference(note_id: int) -> str:
    return (
        '<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr>'
        f'<w:footnoteReference w:id="{note_id}"/></w:r>'
    )


def footnotes(*texts: str) -> str:
    """A footnotes part as Word writes it: the two separators, then each note."""
    notes = "".join(
        f'<w:footnote w:id="{number}"><w:p><w:pPr><w:pStyle w:val="FootnoteText"/></w:pPr>'
        '<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteRef/></w:r>'
        f'<w:r><w:t xml:space="preserve"> </w:t></w:r>{run(text)}</w:p></w:footnote>'
        for number, text in enumerate(texts, start=1)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes {NAMESPACES}>'
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" '
        'w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>'
        '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing '
        'w:after="0" w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/>'
        f"</w:r></w:p></w:footnote>{notes}</w:footnotes>"
    )


def word_file(
    path: Path,
    body: str,
    *,
    notes: str | None = None,
    styles: dict[str, str] | None = None,
    properties: bool = True,
    prolog: str = "",
) -> Path:
    """A .docx at `path` whose body is `body` (paragraphs and tables, as Word writes them).

    `notes` is a footnotes part; `styles` replaces whole style elements by their id;
    `properties=False` leaves out the core properties, as some producers do; `prolog`
    goes between the XML declaration and the document element.
    """
    template = path.with_suffix(".template.docx")
    docx.Document().save(str(template))
    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{prolog}'
        f"<w:document {NAMESPACES}><w:body>{body}{SECTION}</w:body></w:document>"
    )
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                data = document.encode("utf-8")
            elif item.filename == "docProps/core.xml" and not properties:
                continue
            elif item.filename == "_rels/.rels" and not properties:
                data = re.sub(rb"<Relationship [^>]*core-properties[^>]*/>", b"", data)
            elif item.filename == "[Content_Types].xml" and not properties:
                data = re.sub(rb"<Override [^>]*core-properties[^>]*/>", b"", data)
            elif item.filename == "word/styles.xml" and styles:
                text = data.decode("utf-8")
                for style_id, element in styles.items():
                    pattern = rf'<w:style [^>]*w:styleId="{style_id}".*?</w:style>'
                    text = re.sub(pattern, element.replace("\\", r"\\"), text, count=1, flags=re.S)
                data = text.encode("utf-8")
            elif item.filename == "word/_rels/document.xml.rels" and notes:
                data = data.replace(
                    b"</Relationships>",
                    f'<Relationship Id="rId90" Type="{FOOTNOTES_TYPE}" '
                    'Target="footnotes.xml"/></Relationships>'.encode(),
                )
            elif item.filename == "[Content_Types].xml" and notes:
                data = data.replace(
                    b"</Types>",
                    f'<Override PartName="/word/footnotes.xml" ContentType="{FOOTNOTES_CONTENT}"/>'
                    "</Types>".encode(),
                )
            target.writestr(item, data)
        if notes:
            target.writestr("word/footnotes.xml", notes)
    template.unlink()
    return path


def _cell(content: str) -> str:
    """A cell's text as one paragraph, or its paragraphs as written (starting "<w:p ")."""
    return content if content.startswith("<w:p ") else paragraph(run(content))


def table(rows: list[list[str]], *, header_row: bool = False, style: str = "TableGrid") -> str:
    """A table as Word writes it; `header_row` marks the first row "Repeat as header row"."""
    columns = max(len(row) for row in rows)
    grid = "".join('<w:gridCol w:w="4508"/>' for _ in range(columns))
    written = []
    for index, cells in enumerate(rows):
        header = "<w:trPr><w:tblHeader/></w:trPr>" if header_row and index == 0 else ""
        written.append(
            f'<w:tr w:rsidR="00A21C3E" w:rsidTr="00A21C3E">{header}'
            + "".join(
                f'<w:tc><w:tcPr><w:tcW w:w="4508" w:type="dxa"/></w:tcPr>{cell}</w:tc>'
                for cell in map(_cell, cells)
            )
            + "</w:tr>"
        )
    return (
        f'<w:tbl><w:tblPr><w:tblStyle w:val="{style}"/><w:tblW w:w="0" w:type="auto"/>'
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" '
        'w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>{''.join(written)}</w:tbl>"
    )
