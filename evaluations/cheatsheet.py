"""The team tool's flip chart columns, its cheat sheet ("spiekbriefje") and the text hygiene every typed factor
goes through. Models, forms and services read this module; it reads none of them."""

from __future__ import annotations

import re
import unicodedata

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class FactorColumn(models.TextChoices):
    """The three columns of the team tool's flip chart (step 2)."""

    PROFESSIONAL = "professional", _("Actions, approach and qualities of the professional")
    ENVIRONMENT = "environment", _("Environmental factors that help")
    VICTIM = "victim", _("What the victim needs in support and help")


# The cheat sheets ("spiekbriefjes") are editable suggestion sets (evaluations.board_models.SuggestionSet, NL and EN).
# SEED_SETS is what the data migration 0004 puts in: the team tool's Shame Sexting cheat sheet (the default set) and
# a set for the grooming training of the demo. Each item: (key, column, heading NL, heading EN, text NL, text EN).
_PRO, _ENV, _VIC = "professional", "environment", "victim"
_PREV = ("In preventie", "In prevention")
_INC = ("Bij incidenten", "At incidents")
SHAME_SEXTING_ITEMS = [
    ("prevention", _PRO, *_PREV,
     "Inzetten op preventie: niet wachten op incidenten maar jongeren proactief ondersteunen in een positieve "
     "seksuele ontwikkeling",
     "Invest in prevention: don't wait for incidents, proactively support young people in a positive sexual "
     "development"),
    ("positive_approach", _PRO, *_PREV,
     "Positieve insteek: seksualiteit is een belangrijk onderdeel van gezondheid en welzijn, online seksualiteit is "
     "daar onderdeel van",
     "A positive approach: sexuality is an important part of health and well-being, and online sexuality is part of "
     "that"),
    ("clear_norm", _PRO, *_PREV, "Duidelijke norm neerzetten: geweld is nooit oké, ook niet online",
     "Set a clear norm: violence is never okay, not online either"),
    ("safe_sexting", _PRO, *_PREV, "Insteken op veilige sexting: hoe houd je het leuk voor iedereen?",
     "Focus on safe sexting: how do you keep it fun for everyone?"),
    ("equal_judgement", _PRO, *_PREV, "Meiden en jongens niet anders beoordelen voor hetzelfde seksuele gedrag",
     "Don't judge girls and boys differently for the same sexual behaviour"),
    ("challenge_stereotypes", _PRO, *_PREV, "Stereotype normen rond gender en seksualiteit uitdagen",
     "Challenge stereotyped norms around gender and sexuality"),
    ("campaigns", _PRO, *_PREV,
     "Meedoen met landelijke campagnes rond preventie van seksueel grensoverschrijdend gedrag en huiselijk geweld",
     "Join national campaigns on preventing sexual harassment and domestic violence"),
    ("believe_victim", _PRO, *_INC, "Geloven en steunen van het slachtoffer", "Believe and support the victim"),
    ("arrange_help", _PRO, *_INC, "Indien nodig: hulp voor het slachtoffer regelen",
     "Where needed: arrange help for the victim"),
    ("address_perpetrator", _PRO, *_INC, "Aanspreken van de pleger, eventueel met consequenties en hulp",
     "Address the perpetrator, with consequences and help where needed"),
    ("counter_blaming", _PRO, *_INC,
     "Actief tegengaan van victimblaming en slutshaming bij peers, ouders of andere professionals",
     "Actively counter victim blaming and slut shaming by peers, parents or other professionals"),
    ("discuss_in_group", _PRO, *_INC,
     "Incident bespreken in de klas of groep: wat leren we hier als groep van, hoe voorkomen we dit in de toekomst?",
     "Discuss the incident in the class or group: what do we learn from it, how do we prevent it in future?"),
    ("future_prevention", _PRO, *_INC, "Inzetten op preventie van ongewenste sexting in de toekomst",
     "Work on preventing unwanted sexting in the future"),
    ("adjust_policy", _PRO, *_INC, "Eventueel het beleid van de organisatie aanpassen",
     "Adjust the organisation's policy where needed"),
    ("open_climate", _ENV, "", "",
     "Een open klimaat rond seksualiteit: er kan openlijk over seksualiteit gesproken worden en jongeren weten waar "
     "ze terechtkunnen met vragen, zorgen of problemen",
     "An open climate around sexuality: it can be discussed openly and young people know where to go with "
     "questions, worries or problems"),
    ("rules_of_conduct", _ENV, "", "",
     "Duidelijke gedragsregels: wensen en grenzen worden besproken en consent is vanzelfsprekend",
     "Clear rules of conduct: wishes and boundaries are discussed and consent goes without saying"),
    ("positive_norms", _ENV, "", "",
     "Positieve normen rond gender en seksualiteit: de focus ligt op jezelf kunnen zijn, niet op een typische "
     "jongen of typische meid zijn",
     "Positive norms around gender and sexuality: the focus is on being yourself, not on being a typical boy or "
     "girl"),
    ("incident_guidelines", _ENV, "", "", "Richtlijnen over hoe adequaat te handelen bij incidenten",
     "Guidelines on how to act adequately in incidents"),
    ("supportive_colleagues", _ENV, "", "", "Collega’s die je werk steunen", "Colleagues who support your work"),
    ("family_friends", _VIC, "", "", "Steun van familie en vrienden", "Support from family and friends"),
    ("supportive_surroundings", _VIC, "", "",
     "Steun uit de omgeving: horen dat het niet de schuld van het slachtoffer is, in plaats van meeschreeuwen",
     "Support from the surroundings: hearing that it is not the victim's fault, instead of being shamed"),
    ("know_where_to_go", _VIC, "", "", "Weten waar je terechtkunt, bijvoorbeeld bij Helpwanted en Slachtofferhulp",
     "Knowing where to go for help, for example Helpwanted and Slachtofferhulp"),
]  # fmt: skip

_TALK = ("In het gesprek", "In the conversation")
GROOMING_ITEMS = [
    ("grooming_know_stages", _PRO, *_PREV,
     "De fasen van grooming kennen en herkennen: slachtofferselectie, vertrouwen winnen, voorzien in behoeften, "
     "grenzen verleggen",
     "Know and recognise the stages of grooming: choosing a victim, winning trust, meeting needs, shifting "
     "boundaries"),
    ("grooming_media_interest", _PRO, *_PREV,
     "Interesse tonen in de online wereld van jongeren: vragen stellen, meekijken",
     "Show interest in young people's online world: ask questions, look along"),
    ("grooming_privacy", _PRO, *_PREV, "Adviseren over privacy-instellingen en wachtwoorden",
     "Advise on privacy settings and passwords"),
    ("grooming_resilience", _PRO, *_PREV, "Weerbaarheid vergroten: hoe kun je reageren als iemand aandringt?",
     "Build resilience: how can you respond when someone keeps pushing?"),
    ("grooming_no_blame", _PRO, *_TALK, "Ontschuldigen: het slachtoffer treft geen blaam",
     "Take away the blame: the victim is not at fault"),
    ("grooming_reduce_shame", _PRO, *_TALK, "Schaamte verminderen en normaliseren",
     "Reduce shame and normalise"),
    ("grooming_no_secrecy", _PRO, *_TALK, "Nooit geheimhouding beloven, wel uitleggen wat je gaat doen",
     "Never promise secrecy, but explain what you are going to do"),
    ("grooming_report", _PRO, *_TALK, "Samen kijken naar aangifte en het verwijderen van materiaal",
     "Look together at reporting to the police and removing material"),
    ("grooming_protocol", _ENV, "", "", "Een protocol voor online seksueel misbruik dat iedereen kent",
     "A protocol on online sexual abuse that everyone knows"),
    ("grooming_contact_person", _ENV, "", "", "Een aandachtsfunctionaris seksualiteit in het team",
     "A designated contact for sexuality in the team"),
    ("grooming_parents", _ENV, "", "", "Ouders die weten hoe ze het gesprek over social media voeren",
     "Parents who know how to talk about social media"),
    ("grooming_believed", _VIC, "", "", "Geloofd worden zonder verwijt",
     "Being believed without reproach"),
    ("grooming_network", _VIC, "", "", "Een netwerk dat meedenkt en steunt",
     "A network that thinks along and supports"),
    ("grooming_help", _VIC, "", "", "Hulp die past, zoals traumatherapie of Helpwanted",
     "Help that fits, such as trauma therapy or Helpwanted"),
]  # fmt: skip

SEED_SETS = [
    # (name NL, name EN, default, items, demo training slug the set is chosen for once that training exists)
    ("Spiekbriefje Shame Sexting", "Cheat sheet Shame Sexting", True, SHAME_SEXTING_ITEMS, ""),
    ("Spiekbriefje Grooming", "Cheat sheet Grooming", False, GROOMING_ITEMS, "sexting-en-grooming-voor-professionals"),
]


def _items_model():
    from django.apps import apps

    return apps.get_model("evaluations", "SuggestionItem")


def set_for_training(training_id):
    """The suggestion set a training uses: its own choice, else the default set (None when there is none)."""
    from django.apps import apps

    SuggestionSet = apps.get_model("evaluations", "SuggestionSet")
    if training_id:
        chosen = SuggestionSet.objects.filter(trainings__training_id=training_id).first()
        if chosen is not None:
            return chosen
    return SuggestionSet.objects.filter(is_default=True).first()


def suggestion_choices(column, suggestion_set=None):
    """Choices for a column's checkboxes, grouped by heading when the set uses headings."""
    if suggestion_set is None:
        suggestion_set = set_for_training(None)
    if suggestion_set is None:
        return []
    items = [item for item in _items_in(suggestion_set) if item.column == column]
    if not any(item.group for item in items):
        return [(item.key, item.text) for item in items]
    grouped: list = []
    for item in items:
        if grouped and grouped[-1][0] == item.group:
            grouped[-1][1].append((item.key, item.text))
        else:
            grouped.append((item.group, [(item.key, item.text)]))
    return [(heading, entries) if heading else entries[0] for heading, entries in grouped]


def _items_in(suggestion_set):
    cached = getattr(suggestion_set, "_items_cache", None)
    if cached is None:
        cached = list(suggestion_set.items.all())
        suggestion_set._items_cache = cached
    return cached


_LABELS: dict = {"at": 0.0, "labels": {}, "by_text": {}}
LABELS_SECONDS = 30  # another process sees an edited label after at most this long (a save here forgets at once)


def forget_labels(**kwargs) -> None:
    _LABELS["at"] = 0.0


def _labels():
    """key → {language: text} of every suggestion of every set, and typed text → key, kept LABELS_SECONDS."""
    import time

    if time.monotonic() - _LABELS["at"] > LABELS_SECONDS:
        labels, by_text = {}, {}
        try:
            rows = list(_items_model().objects.values_list("key", "text_nl", "text_en"))
        except Exception:  # tables not there yet (during migrations)
            rows = []
        for key, text_nl, text_en in rows:
            labels[key] = {"nl": text_nl or "", "en": text_en or text_nl or ""}
            for text in (text_nl, text_en):
                if text:
                    by_text.setdefault(_plain_key(text), key)
        _LABELS.update(at=time.monotonic(), labels=labels, by_text=by_text)
    return _LABELS


def suggestion_label(key):
    """The suggestion's text in the active language (the key itself when it no longer exists)."""
    texts = _labels()["labels"].get(key)
    if not texts:
        return key
    language = (translation.get_language() or "nl")[:2]
    return texts.get(language) or texts["nl"]


# --- Text hygiene ------------------------------------------------------------------------------------------

_SPACES = re.compile(r"\s+")
_KEEP_IN_TEXT = {"\n", "\t"}


def clean_text(value, *, multiline=False) -> str:
    """NFC-normalised text without control or invisible format characters (NUL, bidi overrides, zero-width)."""
    if value is None:
        return ""
    value = unicodedata.normalize("NFC", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    kept = []
    for char in value:
        category = unicodedata.category(char)
        if category in ("Cc", "Cf", "Cs", "Co", "Cn"):
            if multiline and char in _KEEP_IN_TEXT:
                kept.append(char)
            elif char in _KEEP_IN_TEXT or char == "\n":
                kept.append(" ")
            continue
        kept.append(char)
    text = "".join(kept)
    if not multiline:
        text = _SPACES.sub(" ", text)
    text = text.strip()
    # Only combining marks or spaces left (e.g. a lone accent): nothing readable, treat as empty.
    if not any(unicodedata.category(char)[0] in "LNPS" for char in text):
        return ""
    return text


def _plain_key(text) -> str:
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", clean_text(text))).strip().casefold()


def normalise(text, suggestion: str = "") -> str:
    """What the report groups by: '#key' for a cheat-sheet factor, else the text case-folded with single spaces."""
    if suggestion:
        return f"#{suggestion}"
    key = _plain_key(text)
    matched = _labels()["by_text"].get(key)
    return f"#{matched}" if matched else key
