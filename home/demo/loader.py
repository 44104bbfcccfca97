"""Read the demo content files and create every item that is missing.

structure.yaml says which themes, help links, images, documents and pages exist and holds what is not words;
nl.yaml and en.yaml hold the words under the same keys. A page field `intro` in nl.yaml becomes `intro_nl`, a
`slug` becomes `slug_nl`, and so on. Idempotent: themes by slug, help links by URL, images and documents by title,
pages by their Dutch slug under their parent; what exists is left as it is (an editor may have changed it).
"""

from __future__ import annotations

import datetime
from functools import cache
from io import BytesIO
from pathlib import Path

import yaml
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from home import models as home_models

DEMO_DIR = Path(__file__).resolve().parent
LANGUAGES = ("nl", "en")
# keys of a page in structure.yaml that are not model fields
RELATIONS = {"key", "type", "parent", "themes", "audiences", "agenda", "related_lessons", "related_trainings"}
DOCUMENT_FIELDS = {"background_reading", "cheat_sheet"}


def give_demo_password(user) -> str:
    """Set and return the password of a demo account just created: DEMO_PASSWORD (a developer's machine and the
    tests have the documented one), else a random one, so a site loaded with demo content never has a published
    password."""
    import secrets

    password = settings.DEMO_PASSWORD or secrets.token_urlsafe(12)
    user.set_password(password)
    user.save()
    return password


def shown(password: str | None) -> str:
    """How the command names a demo account's password: the one just set, the configured one, or neither."""
    if password and password != settings.DEMO_PASSWORD:
        return f"password: {password}  (random, shown only now; change it under Account)"
    if settings.DEMO_PASSWORD:
        return f"password: {settings.DEMO_PASSWORD}"
    return "password: as set when the account was created"


@cache
def read() -> tuple[dict, dict[str, dict]]:
    """(structure, {language: words}) as in the files."""
    structure = yaml.safe_load((DEMO_DIR / "structure.yaml").read_text(encoding="utf-8"))
    words = {code: yaml.safe_load((DEMO_DIR / f"{code}.yaml").read_text(encoding="utf-8")) for code in LANGUAGES}
    return structure, words


def _substitute(value):
    """Fill the few values the texts may name ({purge_days}) and walk lists and dicts."""
    if isinstance(value, str):
        return value.replace("{purge_days}", str(settings.PURGE_PERSONAL_DATA_AFTER_DAYS))
    if isinstance(value, list):
        return [_substitute(item) for item in value]
    if isinstance(value, dict):
        return {key: _substitute(item) for key, item in value.items()}
    return value


def translated(section: str, key: str, skip=()) -> dict:
    """The words of one item in every language as model fields: {"title_nl": …, "title_en": …}."""
    _structure, words = read()
    fields = {}
    for code in LANGUAGES:
        for name, value in (words[code].get(section, {}).get(key) or {}).items():
            if name not in skip:
                fields[f"{name}_{code}"] = _substitute(value)
    return fields


def home_page_fields(skip=()) -> dict:
    """The home page's words (title, intro, help teaser) as model fields in every language."""
    _structure, words = read()
    return {
        f"{name}_{code}": _substitute(value)
        for code in LANGUAGES
        for name, value in words[code]["home"].items()
        if name not in skip
    }


# --- images and documents ----------------------------------------------------------------------------------------
def make_image_bytes(label: str, colour) -> bytes:
    """A small banner image: a coloured field with a word on it (Pillow ships with Wagtail)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (800, 420), tuple(colour))
    draw = ImageDraw.Draw(image)
    for i in range(0, 800, 40):
        draw.ellipse((i - 60, 300 - (i % 120), i + 60, 420 - (i % 120)), outline=(255, 255, 255), width=2)
    draw.text((40, 40), label, fill=(255, 255, 255), font_size=56)
    buffer = BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def make_pdf_bytes(title: str, lines: list[str]) -> bytes:
    """A minimal one-page PDF with a title and lines of text (Helvetica, Windows-1252)."""

    def esc(value):
        return value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    body = ["BT", "/F1 18 Tf", "50 790 Td", f"({esc(title)}) Tj", "/F1 11 Tf", "0 -30 Td", "15 TL"]
    body += [f"({esc(line)}) '" for line in lines]
    body.append("ET")
    stream = "\n".join(body).encode("cp1252", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + obj + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def _file_name(title: str, extension: str) -> str:
    slug = "".join(ch if ch.isalnum() else "-" for ch in title.lower())
    return "-".join(part for part in slug.split("-") if part) + extension


def ensure_images(structure) -> dict:
    Image = get_image_model()
    images = {}
    for key, spec in structure["images"].items():
        image = Image.objects.filter(title=spec["title"]).first()
        if image is None:
            image = Image(title=spec["title"], description=spec["title"])
            image.file = ImageFile(
                BytesIO(make_image_bytes(spec["label"], spec["colour"])), name=_file_name(key, ".png")
            )
            image.save()
        images[key] = image
    return images


def ensure_documents(structure, words) -> dict:
    Document = get_document_model()
    documents = {}
    for key in structure["documents"]:
        spec = words["nl"]["documents"][key]
        document = Document.objects.filter(title=spec["title"]).first()
        if document is None:
            document = Document(title=spec["title"])
            pdf = make_pdf_bytes(spec["heading"], spec["lines"])
            document.file.save(_file_name(key, ".pdf"), ContentFile(pdf), save=False)
            document.save()
        documents[key] = document
    return documents


# --- snippets and settings ---------------------------------------------------------------------------------------
def ensure_themes(structure) -> dict:
    themes = {}
    for order, slug in enumerate(structure["themes"], start=1):
        themes[slug], _created = home_models.Theme.objects.get_or_create(
            slug=slug, defaults={**translated("themes", slug), "sort_order": order * 10}
        )
    return themes


def ensure_help_links(structure, themes) -> None:
    for order, spec in enumerate(structure["help_links"], start=1):
        if home_models.HelpLink.objects.filter(url=spec["url"]).exists():
            continue
        link = home_models.HelpLink(
            name=spec["name"],
            url=spec["url"],
            phone=spec.get("phone", ""),
            sort_order=order * 10,
            **translated("help_links", spec["key"]),
        )
        link.save()
        link.topics.set([themes[slug] for slug in spec["topics"]])
        link.save()


def ensure_site_settings(structure, site):
    row = home_models.SiteSettings.for_site(site)
    if row.address:
        return row
    spec = dict(structure["site_settings"])
    hours = spec.pop("chat_hours", [])
    for name, value in {**spec, **translated("site_settings", "site_settings")}.items():
        setattr(row, name, value)
    row.chat_hours = [
        {
            "type": "hours",
            "value": {
                "days": [str(day) for day in block["days"]],
                "opens": f"{block['opens']}:00",
                "closes": f"{block['closes']}:00",
            },
        }
        for block in hours
    ]
    row.save()
    return row


# --- pages -------------------------------------------------------------------------------------------------------
def _resolve_images(value, images):
    """Stream data names images by key ("image": "love-is"); the page stores their ids."""
    if isinstance(value, list):
        return [_resolve_images(item, images) for item in value]
    if isinstance(value, dict):
        return {
            name: images[item].pk if name == "image" and isinstance(item, str) else _resolve_images(item, images)
            for name, item in value.items()
        }
    return value


def _date(value):
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def ensure_page(parent, spec, *, images, documents, themes, pages):
    """The page of `spec` under `parent`, created and published when no child has its Dutch slug."""
    model = getattr(home_models, spec["type"])
    fields = translated("pages", spec["key"], skip={"agenda"})
    existing = model.objects.child_of(parent).filter(slug_nl=fields["slug_nl"]).first()
    if existing:
        return existing, False
    fields = {name: _resolve_images(value, images) for name, value in fields.items()}
    for name, value in spec.items():
        if name in RELATIONS:
            continue
        if name in DOCUMENT_FIELDS:
            value = documents[value]
        elif name.endswith("_date"):
            value = _date(value)
        fields[name] = value
    page = model(**fields)
    if "themes" in spec:
        page.themes = [themes[slug] for slug in spec["themes"]]
    if "audiences" in spec:
        page.audiences = [home_models.LessonAudience(**audience) for audience in spec["audiences"]]
    if "agenda" in spec:
        _structure, words = read()
        steps = {code: words[code]["pages"][spec["key"]].get("agenda", []) for code in LANGUAGES}
        page.agenda_steps = [
            home_models.TrainingAgendaStep(
                minutes=minutes,
                sort_order=order,
                **{
                    f"{name}_{code}": (steps[code][order] if order < len(steps[code]) else {}).get(name, "")
                    for code in LANGUAGES
                    for name in ("title", "description")
                },
            )
            for order, minutes in enumerate(spec["agenda"])
        ]
    for relation in ("related_lessons", "related_trainings"):
        if relation in spec:
            setattr(page, relation, [pages[key] for key in spec[relation]])
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page, True


def ensure_featured(home, structure, pages) -> None:
    if home.featured_pages.exists():
        return
    home.featured_pages = [
        home_models.HomeFeaturedPage(page=pages[key], sort_order=order)
        for order, key in enumerate(structure["home"]["featured"])
    ]
    for name, value in home_page_fields(skip={"title", "intro"}).items():
        setattr(home, name, value)
    home.save_revision().publish()


def ensure_demo_content(home, site) -> dict:
    """Create every demo item that is missing; returns the pages by key."""
    structure, words = read()
    themes = ensure_themes(structure)
    ensure_help_links(structure, themes)
    ensure_site_settings(structure, site)
    images = ensure_images(structure)
    documents = ensure_documents(structure, words)
    pages = {"home": home}
    for spec in structure["pages"]:
        pages[spec["key"]], _created = ensure_page(
            pages[spec["parent"]], spec, images=images, documents=documents, themes=themes, pages=pages
        )
    ensure_featured(home, structure, pages)
    return pages
