"""The demo content: the organisation's lessons, trainings, campaigns, programmes, help links and contact details,
written in our own words from the facts in its training deck and team tool, in Dutch and English.

`ensure_demo_content(home)` is idempotent: every item is looked up by a stable key (slug, title) and only
created when missing, so running it again creates nothing.
"""

import datetime
from io import BytesIO

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from .models import (
    CampaignIndexPage,
    CampaignPage,
    ContactPage,
    ContentPage,
    HelpLink,
    HelpLinksPage,
    HomeFeaturedPage,
    LessonAudience,
    LessonIndexPage,
    LessonPage,
    SchoolType,
    SiteSettings,
    Theme,
    TrainingAgendaStep,
    TrainingAudience,
    TrainingIndexPage,
    TrainingPage,
)


def p(*paragraphs):
    return "".join(f"<p>{text}</p>" for text in paragraphs)


def ul(*items):
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


def text(html):
    return {"type": "text", "value": html}


def goals(*items):
    return [{"type": "goal", "value": item} for item in items]


# --- Themes ------------------------------------------------------------------------------------------------

THEMES = [
    # slug, Dutch name, English name, Dutch description, English description
    (
        "grooming",
        "Grooming",
        "Grooming",
        "Volwassenen die jongeren online benaderen voor seks.",
        "Adults approaching young people online for sex.",
    ),
    (
        "sexting",
        "Sexting",
        "Sexting",
        "Sexy foto's, filmpjes en berichten maken en delen.",
        "Making and sharing sexy photos, videos and messages.",
    ),
    (
        "shame-sexting",
        "Shame sexting",
        "Shame sexting",
        "Beelden verspreiden om iemand te schande te zetten.",
        "Spreading images to shame the person in them.",
    ),
    ("sextortion", "Sextortion", "Sextortion", "Chantage met naaktbeelden.", "Blackmail with nude images."),
    (
        "relationships",
        "Liefde en relaties",
        "Love and relationships",
        "Verliefd zijn, daten en relaties.",
        "Falling in love, dating and relationships.",
    ),
    (
        "diversity",
        "Diversiteit",
        "Diversity",
        "Iedereen mag zichzelf zijn: gender en seksuele oriëntatie.",
        "Everyone may be themselves: gender and sexual orientation.",
    ),
    (
        "boundaries",
        "Grenzen",
        "Boundaries",
        "Je eigen grenzen kennen en die van een ander respecteren.",
        "Knowing your own limits and respecting someone else's.",
    ),
    (
        "media-parenting",
        "Mediaopvoeding",
        "Media and parenting",
        "Opvoeden in een online wereld.",
        "Raising children in an online world.",
    ),
    (
        "reporting",
        "Melden en aangifte",
        "Reporting",
        "Waar je iets kunt melden of aangeven.",
        "Where to report something or go to the police.",
    ),
    (
        "sexual-health",
        "Seksuele gezondheid",
        "Sexual health",
        "Informatie over seks, lichaam en gezondheid.",
        "Information on sex, your body and health.",
    ),
]

# --- Help links --------------------------------------------------------------------------------------------

HELP_LINKS = [
    # name, url, topics, Dutch description, English description, phone, Dutch hours, English hours
    (
        "Qpido",
        "https://www.qpido.nl/",
        ["relationships", "sexting", "boundaries", "shame-sexting"],
        "Voorlichting, trainingen en een anonieme chat over liefde, seks en grenzen voor jongeren, ouders en "
        "professionals in Amsterdam.",
        "Lessons, trainings and an anonymous chat about love, sex and boundaries for young people, parents and "
        "professionals in Amsterdam.",
        "06 2933 8064",
        "Chat: ma t/m vr 13:00–17:00, ma en do ook 19:30–21:30",
        "Chat: Mon–Fri 13:00–17:00, Mon and Thu also 19:30–21:30",
    ),
    (
        "Sense.info",
        "https://www.sense.info/",
        ["sexual-health", "relationships", "diversity"],
        "Betrouwbare informatie voor jongeren over seks, relaties, je lichaam en seksuele gezondheid.",
        "Reliable information for young people about sex, relationships, their body and sexual health.",
        "",
        "",
        "",
    ),
    (
        "Vraag het de politie",
        "https://www.vraaghetdepolitie.nl/",
        ["reporting", "sexting", "sextortion"],
        "De politie beantwoordt vragen van jongeren, bijvoorbeeld wat wel en niet strafbaar is bij sexting.",
        "The police answer young people's questions, for example what is and is not a crime when it comes to sexting.",
        "",
        "",
        "",
    ),
    (
        "Helpwanted",
        "https://www.helpwanted.nl/",
        ["shame-sexting", "sextortion", "grooming", "reporting"],
        "Hulp en advies als er online iets seksueels misgaat, zoals een naaktfoto die zonder toestemming "
        "rondgaat. Je mag anoniem blijven.",
        "Help and advice when something sexual goes wrong online, such as a nude photo shared without consent. "
        "You may stay anonymous.",
        "",
        "",
        "",
    ),
    (
        "Meldknop",
        "https://www.meldknop.nl/",
        ["reporting", "shame-sexting", "sextortion"],
        "Eén plek die je wegwijs maakt als je online iets vervelends meemaakt: waar je het meldt en wie je helpt.",
        "One place that shows you the way when something nasty happens online: where to report it and who helps.",
        "",
        "",
        "",
    ),
    (
        "Het Gesprek (gemeente Amsterdam)",
        "https://hetgesprek.amsterdam.nl/",
        ["media-parenting", "sexting"],
        "Tips van de gemeente Amsterdam voor ouders en professionals die met jongeren in gesprek willen over "
        "lastige onderwerpen.",
        "Tips from the City of Amsterdam for parents and professionals who want to talk with young people about "
        "difficult subjects.",
        "",
        "",
        "",
    ),
    (
        "Meldpunt Kinderporno",
        "https://www.meldpunt-kinderporno.nl/",
        ["reporting", "grooming"],
        "Hier meld je, ook anoniem, seksueel beeldmateriaal van minderjarigen dat je online tegenkomt.",
        "Report sexual images of minors you come across online, anonymously if you wish.",
        "",
        "",
        "",
    ),
    (
        "Mediaopvoeding.nl",
        "https://www.mediaopvoeding.nl/",
        ["media-parenting"],
        "Advies voor ouders en opvoeders over kinderen, jongeren en media, per leeftijd.",
        "Advice for parents and carers on children, teenagers and media, by age.",
        "",
        "",
        "",
    ),
    (
        "Mediawijsheid.nl",
        "https://www.mediawijsheid.nl/",
        ["media-parenting"],
        "Informatie en lesmateriaal om bewust, kritisch en veilig met media om te gaan.",
        "Information and teaching material on using media consciously, critically and safely.",
        "",
        "",
        "",
    ),
    (
        "Allesoverseks.be",
        "https://www.allesoverseks.be/",
        ["sexual-health", "relationships", "diversity"],
        "Vlaamse site met heldere informatie over seks, relaties en seksuele gezondheid.",
        "A Flemish site with clear information about sex, relationships and sexual health.",
        "",
        "",
        "",
    ),
]

# --- Texts shared by several pages -------------------------------------------------------------------------

ONLINE_RULES_NL = ul(
    "Gebruik je volledige voor- en achternaam als gebruikersnaam.",
    "Zet je microfoon op stil en je camera aan.",
    "Stel je vragen in de chat; wil je iets zeggen, steek dan in de chat je vinger op.",
    "Ga je terug uit een break-out room? Klik op ‘Leave breakout room’, niet op ‘Leave meeting’.",
    "Geen paniek als de techniek even tegenzit: we helpen je zo goed we kunnen.",
)
ONLINE_RULES_EN = ul(
    "Use your full first and last name as your user name.",
    "Keep your microphone muted and your camera on.",
    "Ask questions in the chat, and raise your hand there when you want to speak.",
    "Returning from a breakout room? Click ‘Leave breakout room’, not ‘Leave meeting’.",
    "Don't worry about your technical skills: we will help you as well as we can.",
)

DEFINITIONS = {
    "grooming": (
        "Grooming",
        "/groe:ming/",
        "Een volwassene legt – vaak via internet – contact met een jongere, met als uiteindelijk doel seksueel "
        "contact.",
        "/ˈɡruːmɪŋ/",
        "An adult contacts a young person – often online – with sexual contact as the final aim.",
    ),
    "sexting": (
        "Sexting",
        "/seks:ting/",
        "Het maken en delen van seksueel getinte foto's, filmpjes of berichten via sociale media en de telefoon.",
        "/ˈsɛkstɪŋ/",
        "Making and sharing sexually suggestive photos, videos or messages through social media and phones.",
    ),
    "shame-sexting": (
        "Shame sexting",
        "/sjeem:seks:ting/",
        "Seksueel getinte beelden of teksten maken of verspreiden zonder dat de afgebeelde persoon dat wil, om "
        "die persoon publiekelijk te kijk te zetten.",
        "/ʃeɪm ˈsɛkstɪŋ/",
        "Making or spreading sexual images or texts without the consent of the person shown, in order to shame "
        "them in public.",
    ),
    "sextortion": (
        "Sextortion",
        "/seks:tor:tjon/",
        "Iemand afpersen met naaktbeelden: de dader eist geld, spullen of seksuele handelingen en dreigt anders "
        "de beelden te verspreiden.",
        "/sɛksˈtɔːʃən/",
        "Blackmailing someone with nude images: the offender demands money, goods or sexual acts and threatens to "
        "spread the images otherwise.",
    ),
}


def definition(key, language):
    term, nl_sound, nl_text, en_sound, en_text = DEFINITIONS[key]
    if language == "nl":
        return {"type": "definition", "value": {"term": term, "pronunciation": nl_sound, "definition": p(nl_text)}}
    return {"type": "definition", "value": {"term": term, "pronunciation": en_sound, "definition": p(en_text)}}


GROOMING_STAGES_NL = {
    "type": "steps",
    "value": {
        "heading": "De vijf fasen van grooming",
        "steps": [
            {
                "title": "Een slachtoffer kiezen",
                "text": "De dader zoekt een jongere die kwetsbaar lijkt of aandacht mist.",
            },
            {
                "title": "Informatie verzamelen en vertrouwen winnen",
                "text": "Hij of zij leert de jongere kennen en bouwt een band op.",
            },
            {
                "title": "In een behoefte voorzien",
                "text": "De dader geeft wat de jongere zoekt: aandacht, complimenten, cadeaus of een luisterend oor.",
            },
            {"title": "Grenzen verleggen", "text": "Stap voor stap wordt wat eerst vreemd voelde ‘normaal’ gemaakt."},
            {"title": "Het misbruik", "text": "Uiteindelijk volgt seksueel misbruik, online of in het echt."},
        ],
    },
}
GROOMING_STAGES_EN = {
    "type": "steps",
    "value": {
        "heading": "The five stages of grooming",
        "steps": [
            {
                "title": "Choosing a victim",
                "text": "The offender looks for a young person who seems vulnerable or lacks attention.",
            },
            {
                "title": "Gathering information and winning trust",
                "text": "They get to know the young person and build a bond.",
            },
            {
                "title": "Meeting a need",
                "text": "The offender gives what the young person is looking for: "
                "attention, compliments, presents or a listening ear.",
            },
            {
                "title": "Pushing boundaries",
                "text": "Step by step, what felt strange at first is made to seem ‘normal’.",
            },
            {"title": "The abuse", "text": "Finally sexual abuse follows, online or in real life."},
        ],
    },
}

# --- Images and documents ----------------------------------------------------------------------------------


def make_image_bytes(label, colour):
    """A small banner image: a coloured field with a word on it (Pillow ships with Wagtail)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (800, 420), colour)
    draw = ImageDraw.Draw(image)
    for i in range(0, 800, 40):
        draw.ellipse((i - 60, 300 - (i % 120), i + 60, 420 - (i % 120)), outline=(255, 255, 255), width=2)
    draw.text((40, 40), label, fill=(255, 255, 255), font_size=56)
    buffer = BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def make_pdf_bytes(title, lines):
    """A minimal one-page PDF with a title and lines of text (Helvetica, Windows-1252)."""

    def esc(value):
        return value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    body = ["BT", "/F1 18 Tf", "50 790 Td", f"({esc(title)}) Tj", "/F1 11 Tf", "0 -30 Td", "15 TL"]
    for line in lines:
        body.append(f"({esc(line)}) '")
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


def ensure_image(title, label, colour):
    Image = get_image_model()
    existing = Image.objects.filter(title=title).first()
    if existing:
        return existing
    slug = title.lower().replace(" ", "-").replace("…", "").replace("&", "en")
    image = Image(title=title, description=title)
    image.file = ImageFile(BytesIO(make_image_bytes(label, colour)), name=f"{slug}.png")
    image.save()
    return image


def ensure_document(title, heading, lines):
    Document = get_document_model()
    existing = Document.objects.filter(title=title).first()
    if existing:
        return existing
    slug = title.lower().replace(" ", "-").replace("–", "").replace("--", "-")
    document = Document(title=title)
    document.file.save(f"{slug}.pdf", ContentFile(make_pdf_bytes(heading, lines)), save=False)
    document.save()
    return document


BACKGROUND_LINES = [
    "Achtergrond bij de podcastaflevering Shame Sexting (reeks 'niet jouw schuld').",
    "",
    "De casus: toen Robin 17 was, ging er een naaktfoto rond waarvan werd gezegd dat zij erop stond.",
    "Op school kreeg zij de schuld. Steun kwam van haar vrienden en haar moeder.",
    "Wat had geholpen: dat omstanders zeiden dat de schuld nooit bij het slachtoffer ligt.",
    "",
    "Sexting hoort bij opgroeien, ook online. De meeste online seksuele ervaringen van jongeren zijn",
    "leuk en gewoon. Ongewenste vormen zijn onder meer: shame sexting, sextortion, wraakporno,",
    "exposen, grooming en cyberpesten.",
    "",
    "Tips voor professionals:",
    "- Praat positief over sexting en leg de nadruk op veilig sexten.",
    "- Voorkom schaamte: ga in gesprek met de hele groep, niet alleen met het slachtoffer.",
    "- Beoordeel meiden en jongens niet verschillend voor hetzelfde gedrag.",
    "- Sexting is oke, doorsturen zonder toestemming niet: de schuld ligt bij wie doorstuurt.",
    "- Wees cultuursensitief en sluit aan bij de zorgen van het slachtoffer en de familie.",
    "",
    "Slachtoffers kunnen terecht bij onder meer Helpwanted en Slachtofferhulp.",
]

CHEAT_SHEET_LINES = [
    "Spiekbriefje: succesfactoren bij shame sexting",
    "",
    "Preventie:",
    "- Niet wachten op incidenten; jongeren vooraf steunen in een positieve seksuele ontwikkeling.",
    "- Een duidelijke norm: geweld is nooit oke, ook online niet.",
    "- Inzetten op veilige sexting en stereotiepe gendernormen uitdagen.",
    "- Meedoen met landelijke campagnes.",
    "",
    "Bij incidenten:",
    "- Het slachtoffer geloven en steunen; zo nodig hulp regelen.",
    "- De pleger aanspreken; victimblaming en slutshaming actief tegengaan.",
    "- Het incident in de groep bespreken: wat leren we ervan?",
    "",
    "Omgeving:",
    "- Een open klimaat rond seksualiteit, duidelijke gedragsregels en consent als vanzelfsprekendheid.",
    "- Richtlijnen voor incidenten en collega's die elkaar steunen.",
]


TEAM_STEPS = [
    (
        20,
        "Bespreken van de podcast",
        "Discussing the podcast",
        "Iedereen deelt kort de eerste indrukken: wat viel op, wat was het succes van de aanpak, wat had het "
        "slachtoffer nodig? Schrijf openstaande vragen op.",
        "Everyone briefly shares first impressions: what stood out, what made the approach work, what did the "
        "victim need? Write down open questions.",
    ),
    (
        30,
        "Succesfactoren verzamelen",
        "Collecting success factors",
        "Eerst alleen (3 min.), dan in tweetallen (6 min.), in viertallen (6 min.) en tot slot met de hele "
        "groep (10 min.) in drie kolommen: de professional, de omgeving en wat het slachtoffer nodig heeft.",
        "First alone (3 min.), then in pairs (6 min.), in fours (6 min.) and finally with the whole group "
        "(10 min.) in three columns: the professional, the environment and what the victim needs.",
    ),
    (
        15,
        "Verdieping",
        "Going deeper",
        "Vraag door en zoek onderliggende succesfactoren. Kies eventueel een top drie.",
        "Ask further and look for underlying success factors. Pick a top three if you like.",
    ),
    (
        10,
        "Evaluatie en actie",
        "Evaluation and action",
        "Wat leren we hiervan en wat hebben we nodig om het in de praktijk te brengen? Spreek acties af.",
        "What do we learn from this and what do we need to put it into practice? Agree on actions.",
    ),
]


# --- Pages -------------------------------------------------------------------------------------------------


def child(parent, model, slug_nl, setup=None, **fields):
    """The child of `parent` with this Dutch slug, created and published if missing. Returns (page, created).

    `setup(page)` runs before the first save, to attach themes, audiences or agenda steps in memory."""
    existing = model.objects.child_of(parent).filter(slug_nl=slug_nl).first()
    if existing:
        return existing, False
    page = model(slug_nl=slug_nl, **fields)
    if setup:
        setup(page)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page, True


def agenda(steps):
    """A setup callback that gives a training its agenda: (minutes, title NL, title EN[, text NL, text EN])."""

    def setup(page):
        page.agenda_steps = [
            TrainingAgendaStep(
                minutes=step[0],
                title_nl=step[1],
                title_en=step[2],
                description_nl=step[3] if len(step) > 3 else "",
                description_en=step[4] if len(step) > 4 else "",
                sort_order=order,
            )
            for order, step in enumerate(steps)
        ]

    return setup


def ensure_themes():
    themes = {}
    for order, (slug, name_nl, name_en, desc_nl, desc_en) in enumerate(THEMES, start=1):
        theme, _created = Theme.objects.get_or_create(
            slug=slug,
            defaults={
                "name_nl": name_nl,
                "name_en": name_en,
                "description_nl": desc_nl,
                "description_en": desc_en,
                "sort_order": order * 10,
            },
        )
        themes[slug] = theme
    return themes


def ensure_help_links(themes):
    for order, (name, url, topics, desc_nl, desc_en, phone, hours_nl, hours_en) in enumerate(HELP_LINKS, start=1):
        if HelpLink.objects.filter(url=url).exists():
            continue
        link = HelpLink(
            name=name,
            url=url,
            description_nl=desc_nl,
            description_en=desc_en,
            phone=phone,
            hours_nl=hours_nl,
            hours_en=hours_en,
            sort_order=order * 10,
        )
        link.save()
        link.topics.set([themes[t] for t in topics])
        link.save()


def ensure_site_settings(site):
    settings = SiteSettings.for_site(site)
    if settings.address:
        return settings
    settings.organisation_name = "Qpido"
    settings.address = "Baarsjesweg 224\n1058 AA Amsterdam"
    settings.phone = "06 2933 8064"
    settings.email = "info@qpido.nl"
    settings.website = "https://www.qpido.nl/"
    settings.whatsapp = "+31 6 2933 8064"
    settings.chat_url = "https://www.qpido.nl/"
    settings.chat_intro_nl = "Chat anoniem met een van onze medewerkers over liefde, seks, relaties of grenzen."
    settings.chat_intro_en = "Chat anonymously with one of our staff about love, sex, relationships or boundaries."
    settings.consult_intro_nl = (
        "Professional of ouder met een vraag over een jongere? Vraag een consult aan; we denken met je mee."
    )
    settings.consult_intro_en = (
        "A professional or parent with a question about a young person? Ask for a consult and we will think it "
        "through with you."
    )
    settings.chat_hours = [
        {"type": "hours", "value": {"days": ["0", "1", "2", "3", "4"], "opens": "13:00:00", "closes": "17:00:00"}},
        {"type": "hours", "value": {"days": ["0", "3"], "opens": "19:30:00", "closes": "21:30:00"}},
    ]
    settings.mail_sender_name = "Qpido"
    settings.save()
    return settings


def ensure_lessons(home, themes):
    index, _ = child(
        home,
        LessonIndexPage,
        "lessen",
        title_nl="Voorlichtingslessen",
        title_en="Lessons for schools",
        slug_en="lessons",
        show_in_menus=True,
        intro_nl=p(
            "Onze voorlichters geven in de klas lessen over liefde, relaties, seksualiteit, diversiteit en grenzen. "
            "Kies een thema of schooltype om de lessen te vinden die bij jouw groep passen."
        ),
        intro_en=p(
            "Our educators teach lessons in the classroom about love, relationships, sexuality, diversity and "
            "boundaries. Pick a theme or school type to find the lessons that suit your group."
        ),
        search_description_nl="Voorlichtingslessen over liefde, seksualiteit, sexting en grooming voor scholen.",
        search_description_en="Lessons for schools about love, sexuality, sexting and grooming.",
    )
    love_image = ensure_image("Liefde is…", "Liefde is…", (142, 15, 66))
    sexting_image = ensure_image("Sexting & Grooming", "Sexting & Grooming", (21, 101, 192))

    def setup_love(page):
        page.themes = [themes["relationships"], themes["diversity"], themes["boundaries"]]
        page.audiences = [
            LessonAudience(school_type=SchoolType.PRIMARY, year_from=7, year_to=8),
            LessonAudience(school_type=SchoolType.SECONDARY, year_from=1, year_to=2),
        ]

    love, _ = child(
        index,
        LessonPage,
        "liefde-is",
        setup=setup_love,
        title_nl="Liefde is…",
        title_en="Love is…",
        slug_en="love-is",
        duration_minutes=60,
        intro_nl="Een interactieve les over verliefdheid, relaties, diversiteit en het aangeven van je grenzen.",
        intro_en="An interactive lesson about falling in love, relationships, diversity and setting boundaries.",
        learning_goals_nl=goals(
            "Leerlingen kunnen benoemen wat zij belangrijk vinden in een relatie.",
            "Leerlingen weten dat iedereen mag houden van wie hij of zij wil.",
            "Leerlingen kunnen hun eigen grenzen aangeven en die van een ander herkennen.",
        ),
        learning_goals_en=goals(
            "Pupils can name what matters to them in a relationship.",
            "Pupils know that everyone may love whoever they want.",
            "Pupils can state their own boundaries and recognise someone else's.",
        ),
        body_nl=[
            text(
                p(
                    "Liefde, seksualiteit, relaties, diversiteit en grenzen: daar zijn jongeren elke dag mee bezig. "
                    "In deze les praten we er open en zonder oordeel over, zodat kinderen en jongeren veilig seksueel "
                    "kunnen opgroeien."
                )
            ),
            {"type": "image", "value": {"image": love_image.pk, "alt_text": "", "caption": "Liefde is…"}},
            {
                "type": "quote",
                "value": {
                    "quote": "Iedereen mag zichzelf zijn, en nee zeggen mag altijd.",
                    "attribution": "Uitgangspunt van de les",
                },
            },
            {
                "type": "faq",
                "value": {
                    "heading": "Veelgestelde vragen",
                    "items": [
                        {
                            "question": "Wie geeft de les?",
                            "answer": p(
                                "Een voorlichter van Qpido. De eigen leerkracht is erbij "
                                "en kan daarna verder in gesprek."
                            ),
                        },
                        {
                            "question": "Hoe vraag ik de les aan?",
                            "answer": p("Gebruik de knop onderaan deze pagina of neem contact met ons op."),
                        },
                    ],
                },
            },
        ],
        body_en=[
            text(
                p(
                    "Love, sexuality, relationships, diversity and boundaries are on young people's minds every day. "
                    "In this lesson we talk about them openly and without judgement, so that children and young "
                    "people can grow up sexually safe."
                )
            ),
            {"type": "image", "value": {"image": love_image.pk, "alt_text": "", "caption": "Love is…"}},
            {
                "type": "quote",
                "value": {
                    "quote": "Everyone may be themselves, and saying no is always allowed.",
                    "attribution": "Starting point of the lesson",
                },
            },
            {
                "type": "faq",
                "value": {
                    "heading": "Frequently asked questions",
                    "items": [
                        {
                            "question": "Who teaches the lesson?",
                            "answer": p(
                                "An educator from Qpido. The class teacher stays "
                                "and can continue the conversation afterwards."
                            ),
                        },
                        {
                            "question": "How do I book the lesson?",
                            "answer": p("Use the button at the bottom of this page or get in touch with us."),
                        },
                    ],
                },
            },
        ],
        search_description_nl="Les over verliefdheid, relaties, diversiteit en grenzen.",
        search_description_en="Lesson about falling in love, relationships, diversity and boundaries.",
    )

    def setup_sexting(page):
        page.themes = [themes[t] for t in ("sexting", "shame-sexting", "sextortion", "grooming")]
        page.audiences = [
            LessonAudience(school_type=SchoolType.SECONDARY, year_from=1, year_to=4),
            LessonAudience(school_type=SchoolType.VOCATIONAL, year_from=1, year_to=2),
        ]

    sexting, _ = child(
        index,
        LessonPage,
        "sexting-en-grooming",
        setup=setup_sexting,
        title_nl="Sexting & Grooming",
        title_en="Sexting & Grooming",
        slug_en="sexting-and-grooming",
        duration_minutes=90,
        intro_nl="Wat is sexting, wanneer gaat het mis en hoe herken je grooming? Een les over de leuke kanten en "
        "de risico's.",
        intro_en="What is sexting, when does it go wrong and how do you recognise grooming? A lesson about the fun "
        "sides and the risks.",
        learning_goals_nl=goals(
            "Leerlingen kennen de begrippen sexting, shame sexting, sextortion en grooming.",
            "Leerlingen herkennen de fasen van grooming.",
            "Leerlingen weten wat strafbaar is en waar ze hulp kunnen vinden.",
        ),
        learning_goals_en=goals(
            "Pupils know the terms sexting, shame sexting, sextortion and grooming.",
            "Pupils recognise the stages of grooming.",
            "Pupils know what is a crime and where to find help.",
        ),
        body_nl=[
            text(
                p(
                    "Jongeren sexten om allerlei redenen: omdat het spannend, leuk of opwindend is, om aandacht te "
                    "krijgen of erbij te horen, en soms omdat ze onder druk worden gezet. In deze les bespreken we "
                    "de begrippen en wat je doet als het misgaat."
                )
            ),
            {"type": "image", "value": {"image": sexting_image.pk, "alt_text": "", "caption": ""}},
            definition("sexting", "nl"),
            definition("shame-sexting", "nl"),
            definition("sextortion", "nl"),
            definition("grooming", "nl"),
            GROOMING_STAGES_NL,
            {
                "type": "video",
                "value": {
                    "url": "https://youtu.be/tZPV997WNWc",
                    "title": "Film over sexting en grooming",
                    "caption": "Welke situaties herken je? Welke groom-technieken zie je?",
                },
            },
            text(
                "<h2>Wat kan er gebeuren na shame sexting?</h2>"
                + ul(
                    "pesten en buitensluiten",
                    "schaamte, somberheid en stress",
                    "schoolverzuim",
                    "chantage en afpersing",
                    "seksueel misbruik",
                )
            ),
            {
                "type": "faq",
                "value": {
                    "heading": "Is sexting strafbaar?",
                    "items": [
                        {
                            "question": "Wat zegt de wet als je jonger bent dan 18?",
                            "answer": p(
                                "Een seksueel getinte foto of film maken van iemand onder de 18, "
                                "die doorsturen of hem in je bezit hebben, valt onder de wet "
                                "tegen kinderporno – ook als het een foto van jezelf is."
                            ),
                        },
                        {
                            "question": "Wat doe je als je een naaktfoto van een ander ontvangt?",
                            "answer": p(
                                "Stuur hem niet door, verwijder hem en praat erover met iemand die je vertrouwt."
                            ),
                        },
                    ],
                },
            },
        ],
        body_en=[
            text(
                p(
                    "Young people sext for many reasons: because it is exciting, fun or arousing, to get attention "
                    "or to belong, and sometimes because they are pressured. In this lesson we discuss the terms "
                    "and what to do when things go wrong."
                )
            ),
            {"type": "image", "value": {"image": sexting_image.pk, "alt_text": "", "caption": ""}},
            definition("sexting", "en"),
            definition("shame-sexting", "en"),
            definition("sextortion", "en"),
            definition("grooming", "en"),
            GROOMING_STAGES_EN,
            {
                "type": "video",
                "value": {
                    "url": "https://youtu.be/tZPV997WNWc",
                    "title": "Film about sexting and grooming (Dutch)",
                    "caption": "Which situations do you recognise? Which grooming techniques do you see?",
                },
            },
            text(
                "<h2>What can happen after shame sexting?</h2>"
                + ul(
                    "bullying and exclusion",
                    "shame, low mood and stress",
                    "missing school",
                    "blackmail and extortion",
                    "sexual abuse",
                )
            ),
            {
                "type": "faq",
                "value": {
                    "heading": "Is sexting a crime?",
                    "items": [
                        {
                            "question": "What does Dutch law say if you are under 18?",
                            "answer": p(
                                "Making, sending or having a sexual photo or video of someone under 18 counts as child "
                                "sexual abuse material under Dutch law – even when it is a photo of yourself."
                            ),
                        },
                        {
                            "question": "What do you do when you receive a nude of someone else?",
                            "answer": p("Don't forward it, delete it and talk to someone you trust."),
                        },
                    ],
                },
            },
        ],
        search_description_nl="Les over sexting, shame sexting, sextortion en grooming.",
        search_description_en="Lesson about sexting, shame sexting, sextortion and grooming.",
    )
    return love, sexting


def ensure_trainings(home):
    index, _ = child(
        home,
        TrainingIndexPage,
        "trainingen",
        title_nl="Trainingen",
        title_en="Trainings",
        slug_en="trainings",
        show_in_menus=True,
        intro_nl=p(
            "Trainingen voor professionals, ouders en teams: over sexting, grooming en het gesprek met "
            "jongeren. Ook op maat."
        ),
        intro_en=p(
            "Trainings for professionals, parents and teams: on sexting, grooming and talking with young "
            "people. Custom versions too."
        ),
    )
    professionals, _ = child(
        index,
        TrainingPage,
        "sexting-en-grooming-voor-professionals",
        setup=agenda(
            [
                (30, "Kennis: begrippen en het groomingproces", "Knowledge: the terms and the grooming process"),
                (30, "Film kijken en bespreken", "Watching and discussing a film"),
                (45, "Het gesprek met slachtoffer en verspreider", "Talking with the victim and the spreader"),
                (15, "Jullie aanpak en protocol", "Your approach and protocol"),
            ]
        ),
        title_nl="Sexting & grooming voor professionals",
        title_en="Sexting & grooming for professionals",
        slug_en="sexting-and-grooming-for-professionals",
        audience=TrainingAudience.PROFESSIONALS,
        intro_nl="Voor iedereen die met jongeren werkt: kennis over sexting en grooming, en wat je doet in het "
        "gesprek met slachtoffer en verspreider.",
        intro_en="For everyone who works with young people: knowledge about sexting and grooming, and what to do "
        "when you talk with a victim and with the person who spread the images.",
        goals_nl=goals(
            "Kennis: de leuke kanten en de risico's van sexting en grooming.",
            "Het belang van het gesprek, om negatieve gevolgen te voorkomen.",
            "Wat jij kunt doen in het gesprek met slachtoffer en verspreider.",
        ),
        goals_en=goals(
            "Knowledge: the fun sides and the risks of sexting and grooming.",
            "Why the conversation matters, to prevent harmful consequences.",
            "What you can do when talking with the victim and with the person who spread it.",
        ),
        body_nl=[
            text(
                "<h2>In gesprek met het slachtoffer</h2>"
                + ul(
                    "Neem de schuld weg en normaliseer: sexten is niet fout, doorsturen wel.",
                    "Verminder schaamte en betrek het netwerk van de jongere.",
                    "Geef uitleg, stuur aan op een herstelgesprek en vraag ontvangers het materiaal te verwijderen.",
                    "Bespreek aangifte en verwijs zo nodig naar traumabehandeling.",
                    "Beloof nooit geheimhouding.",
                )
                + "<h2>In gesprek met de verspreider</h2>"
                + ul(
                    "Laat zien wat de gevolgen zijn voor het slachtoffer en voor hemzelf of haarzelf.",
                    "Onderzoek waarom hij of zij het deed en sluit daarop aan.",
                    "Werk toe naar excuses, een herstelgesprek en het verwijderen van de beelden.",
                    "Bespreek wat hij of zij een volgende keer anders kan doen.",
                )
            ),
            {
                "type": "video",
                "value": {
                    "url": "https://www.youtube.com/watch?v=isOqWzQWvYI",
                    "title": "Snap je wat je doorstuurt?",
                    "caption": "",
                },
            },
        ],
        body_en=[
            text(
                "<h2>Talking with the victim</h2>"
                + ul(
                    "Take away the blame and normalise: sexting is not wrong, forwarding is.",
                    "Reduce shame and involve the young person's network.",
                    "Explain, work towards a restorative conversation and ask recipients to delete the material.",
                    "Discuss reporting to the police and refer to trauma therapy when needed.",
                    "Never promise to keep it secret.",
                )
                + "<h2>Talking with the person who spread it</h2>"
                + ul(
                    "Show what the consequences are for the victim and for themselves.",
                    "Find out why they did it and connect with that.",
                    "Work towards an apology, a restorative conversation and deleting the images.",
                    "Discuss what they can do differently next time.",
                )
            ),
            {
                "type": "video",
                "value": {
                    "url": "https://www.youtube.com/watch?v=isOqWzQWvYI",
                    "title": "Do you get what you forward? (Dutch)",
                    "caption": "",
                },
            },
        ],
        online_rules_nl=ONLINE_RULES_NL,
        online_rules_en=ONLINE_RULES_EN,
    )

    parents, _ = child(
        index,
        TrainingPage,
        "ouders-in-gesprek-over-social-media",
        setup=agenda(
            [
                (20, "Wat doen jongeren online?", "What do young people do online?"),
                (30, "Sexting en grooming uitgelegd", "Sexting and grooming explained"),
                (30, "Oefenen met het gesprek", "Practising the conversation"),
                (10, "Vragen en afsluiting", "Questions and closing"),
            ]
        ),
        title_nl="Voor ouders: in gesprek over social media",
        title_en="For parents: talking about social media",
        slug_en="parents-talking-about-social-media",
        audience=TrainingAudience.PARENTS,
        intro_nl="Een avond voor ouders en verzorgers over sexting, grooming en hoe je daar thuis over praat.",
        intro_en="An evening for parents and carers about sexting, grooming and how to talk about it at home.",
        goals_nl=goals("Weten wat je kind online meemaakt.", "Oefenen met het gesprek over social media."),
        goals_en=goals("Know what your child experiences online.", "Practise the conversation about social media."),
        body_nl=[
            text(
                "<h2>Tips voor het gesprek over social media</h2>"
                + ul(
                    "Beleef media samen: toon interesse, stel vragen en kijk mee.",
                    "Bespreek wat je kind kan doen met beelden die het ontvangt.",
                    "Blijf op de hoogte van de apps die je kind gebruikt.",
                    "Maak duidelijke afspraken over het gebruik van social media.",
                    "Praat over verantwoord gebruik en benoem de risico's.",
                    "Help met privacy-instellingen en sterke wachtwoorden.",
                )
            )
        ],
        body_en=[
            text(
                "<h2>Tips for talking about social media</h2>"
                + ul(
                    "Share media time: show interest, ask questions and watch together.",
                    "Discuss what your child can do with images they receive.",
                    "Keep up with the apps your child uses.",
                    "Agree clear rules about using social media.",
                    "Talk about responsible use and name the risks.",
                    "Help with privacy settings and strong passwords.",
                )
            )
        ],
        online_rules_nl=ONLINE_RULES_NL,
        online_rules_en=ONLINE_RULES_EN,
    )

    background = ensure_document(
        "Achtergrondinformatie Shame Sexting", "De diepte in over shame sexting", BACKGROUND_LINES
    )
    cheat_sheet = ensure_document("Spiekbriefje succesfactoren Shame Sexting", "Spiekbriefje", CHEAT_SHEET_LINES)
    team, _ = child(
        index,
        TrainingPage,
        "teamsessie-shame-sexting",
        setup=agenda(TEAM_STEPS),
        title_nl="Teamsessie shame sexting",
        title_en="Team session on shame sexting",
        slug_en="team-session-shame-sexting",
        audience=TrainingAudience.TEAMS,
        intro_nl="Een sessie van 75 minuten waarin je met collega's bespreekt wat werkt om shame sexting te "
        "voorkomen en slachtoffers te steunen. Je luistert vooraf een podcastaflevering.",
        intro_en="A 75-minute session in which you and your colleagues discuss what works to prevent shame sexting "
        "and to support victims. You listen to a podcast episode beforehand.",
        goals_nl=goals(
            "Samen succesfactoren benoemen die gendergerelateerd geweld helpen voorkomen.",
            "De sociale veiligheid voor jongeren vergroten.",
            "Afspraken maken over acties in jullie eigen praktijk.",
        ),
        goals_en=goals(
            "Name together the success factors that help prevent gender-related violence.",
            "Make young people socially safer.",
            "Agree on actions for your own practice.",
        ),
        body_nl=[
            text(
                "<h2>Wat is een succesfactor?</h2>"
                + p(
                    "Een actie van een professional of een omstandigheid die bijdraagt aan een goede afloop: "
                    "bijvoorbeeld dat sexting positief besproken wordt onder jongeren, of dat het slachtoffer zich "
                    "gesteund voelt en niet nog eens de schuld krijgt."
                )
            ),
            {
                "type": "quote",
                "value": {
                    "quote": "Sexting is oké. Sexy foto's doorsturen zonder toestemming niet.",
                    "attribution": "De boodschap aan jongeren",
                },
            },
            text(
                "<h2>Voorbereiden</h2>"
                + ul(
                    "Bereid de sessie zo mogelijk voor met een of twee collega's.",
                    "Houd de groep klein; werk bij meer dan twaalf mensen in subgroepjes.",
                    "Sluit eventueel aan bij een campagne, zoals de Week van de Liefde of de Week van de "
                    "Lentekriebels.",
                    "Vraag iedereen vooraf de podcast te luisteren en de achtergrondinformatie te lezen.",
                )
            ),
        ],
        body_en=[
            text(
                "<h2>What is a success factor?</h2>"
                + p(
                    "An action by a professional, or a circumstance, that helps things end well: for example that "
                    "young people talk about sexting in a positive way, or that the victim feels supported and is not "
                    "blamed a second time."
                )
            ),
            {
                "type": "quote",
                "value": {
                    "quote": "Sexting is fine. Forwarding sexy photos without consent is not.",
                    "attribution": "The message to young people",
                },
            },
            text(
                "<h2>Preparing</h2>"
                + ul(
                    "If you can, prepare the session with one or two colleagues.",
                    "Keep the group small; with more than twelve people, work in smaller groups.",
                    "Consider linking it to a campaign, such as the Week of Love or Spring Fever Week.",
                    "Ask everyone to listen to the podcast and read the background information beforehand.",
                )
            ),
        ],
        podcast_title_nl="niet jouw schuld – aflevering Shame Sexting",
        podcast_title_en="niet jouw schuld (not your fault) – episode Shame Sexting (Dutch)",
        podcast_url="https://act4respect.nl/tools/podcastnietjouwschuld/teamtool-shame-sexting/",
        podcast_minutes=30,
        background_reading=background,
        cheat_sheet=cheat_sheet,
        online_rules_nl=ONLINE_RULES_NL,
        online_rules_en=ONLINE_RULES_EN,
    )
    return professionals, parents, team


def ensure_campaigns(home, lessons, trainings):
    index, _ = child(
        home,
        CampaignIndexPage,
        "campagnes",
        title_nl="Campagnes",
        title_en="Campaigns",
        slug_en="campaigns",
        show_in_menus=True,
        intro_nl=p("Doe mee met de landelijke campagneweken rond relaties en seksualiteit."),
        intro_en=p("Join the national campaign weeks about relationships and sexuality."),
    )

    def related(lesson_pages, training_pages):
        def setup(page):
            page.related_lessons = lesson_pages
            page.related_trainings = training_pages

        return setup

    child(
        index,
        CampaignPage,
        "week-van-de-liefde",
        title_nl="Week van de Liefde",
        title_en="Week of Love",
        slug_en="week-of-love",
        start_date=datetime.date(2027, 2, 8),
        end_date=datetime.date(2027, 2, 14),
        intro_nl="Een week lang aandacht voor liefde, relaties en respect in het voortgezet onderwijs.",
        intro_en="A week of attention for love, relationships and respect in secondary schools.",
        body_nl=[text(p("Plan in deze week een les of een teamsessie. Onze lessen sluiten aan bij het thema."))],
        body_en=[text(p("Plan a lesson or a team session this week. Our lessons fit the theme."))],
        setup=related(list(lessons), [trainings[2]]),
    )
    child(
        index,
        CampaignPage,
        "week-van-de-lentekriebels",
        title_nl="Week van de Lentekriebels",
        title_en="Spring Fever Week",
        slug_en="spring-fever-week",
        start_date=datetime.date(2027, 3, 15),
        end_date=datetime.date(2027, 3, 19),
        intro_nl="De week waarin basisscholen werken aan relaties en seksualiteit.",
        intro_en="The week in which primary schools work on relationships and sexuality.",
        body_nl=[text(p("Vraag de les ‘Liefde is…’ aan voor groep 7 en 8."))],
        body_en=[text(p("Book the lesson ‘Love is…’ for groups 7 and 8."))],
        setup=related([lessons[0]], []),
    )


def ensure_help_page(home):
    child(
        home,
        HelpLinksPage,
        "hulp",
        title_nl="Hulp en advies",
        title_en="Help and advice",
        slug_en="help",
        show_in_menus=True,
        intro_nl=p(
            "Zit je ergens mee? Bij deze organisaties kun je terecht, vaak ook anoniem. Kies een onderwerp. "
            "Wil je snel weg van deze site? Gebruik de knop ‘Snel weg’ of druk twee keer op Escape."
        ),
        intro_en=p(
            "Something on your mind? These organisations can help, often anonymously. Pick a topic. "
            "Need to leave this site quickly? Use the ‘Quick exit’ button or press Escape twice."
        ),
    )


def ensure_programmes(home):
    offer, _ = child(
        home,
        ContentPage,
        "aanbod",
        title_nl="Ons aanbod",
        title_en="What we offer",
        slug_en="what-we-offer",
        show_in_menus=True,
        intro_nl="Naast lessen en trainingen bieden we hulp aan jongeren en een online platform.",
        intro_en="Besides lessons and trainings we offer support for young people and an online platform.",
    )
    programmes = [
        (
            "romeo-en-julia",
            "Romeo & Julia",
            "Romeo & Julia",
            "romeo-and-julia",
            "Ambulante hulp voor jongeren met vragen of zorgen over liefde, relaties en seksualiteit.",
            "Outreach support for young people with questions or worries about love, relationships and sexuality.",
            "Bij ambulante hulp komt een hulpverlener naar de jongere toe. Samen werken jullie aan wat de jongere "
            "nodig heeft. Neem contact op om te bespreken of Romeo & Julia past.",
            "With outreach support a counsellor comes to the young person. Together you work on what the young "
            "person needs. Get in touch to discuss whether Romeo & Julia fits.",
        ),
        (
            "nova",
            "Nova",
            "Nova",
            "nova",
            "Een ambulant hulptraject van Qpido.",
            "An outreach support programme of Qpido.",
            "Ook bij Nova komt de hulpverlener naar de jongere toe. Neem contact op voor wie Nova bedoeld is en hoe "
            "je aanmeldt.",
            "With Nova, too, the counsellor comes to the young person. Contact us to hear who Nova is for and how to "
            "sign up.",
        ),
        (
            "trainingen-op-maat",
            "Trainingen op maat",
            "Custom trainings",
            "custom-trainings",
            "Een training die past bij jouw team, school of ouderavond.",
            "A training shaped to your team, school or parents' evening.",
            "We passen onze trainingen voor professionals en ouders aan op jullie vragen, doel en beschikbare tijd.",
            "We tailor our trainings for professionals and parents to your questions, goal and available time.",
        ),
        (
            "qpidonline",
            "QpidOnline",
            "QpidOnline",
            "qpidonline",
            "Ons online platform met informatie en contact.",
            "Our online platform with information and ways to get in touch.",
            "Op QpidOnline vinden jongeren informatie en kunnen ze anoniem met ons chatten.",
            "On QpidOnline young people find information and can chat with us anonymously.",
        ),
    ]
    for slug_nl, title_nl, title_en, slug_en, intro_nl, intro_en, body_nl, body_en in programmes:
        child(
            offer,
            ContentPage,
            slug_nl,
            title_nl=title_nl,
            title_en=title_en,
            slug_en=slug_en,
            intro_nl=intro_nl,
            intro_en=intro_en,
            body_nl=p(body_nl),
            body_en=p(body_en),
        )


def ensure_contact_page(home):
    child(
        home,
        ContactPage,
        "contact",
        title_nl="Contact",
        title_en="Contact",
        slug_en="contact",
        show_in_menus=True,
        intro_nl="Bel, mail, app of chat anoniem met ons. We helpen je graag verder.",
        intro_en="Call, e-mail, message or chat anonymously with us. We are happy to help.",
    )


def ensure_featured(home, pages):
    if home.featured_pages.exists():
        return
    home.featured_pages = [HomeFeaturedPage(page=page, sort_order=order) for order, page in enumerate(pages)]
    home.help_teaser_nl = "Zit je ergens mee? Deze organisaties helpen je verder, vaak ook anoniem."
    home.help_teaser_en = "Something on your mind? These organisations can help, often anonymously."
    home.save_revision().publish()


def ensure_demo_content(home, site):
    """Create every demo item that is missing."""
    themes = ensure_themes()
    ensure_help_links(themes)
    ensure_site_settings(site)
    lessons = ensure_lessons(home, themes)
    trainings = ensure_trainings(home)
    ensure_campaigns(home, lessons, trainings)
    ensure_help_page(home)
    ensure_programmes(home)
    ensure_contact_page(home)
    ensure_featured(home, [*lessons, *trainings])
