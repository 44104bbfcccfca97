"""Editors build the whole content tree through the Wagtail admin, in Dutch and English, and visitors read each page
type in both languages under its translated URL."""

import re

import pytest
from django.urls import reverse
from wagtail.fields import StreamField
from wagtail.models import Page, Site
from wagtail.test.utils.form_data import inline_formset, nested_form_data, querydict_from_html, rich_text, streamfield

from home.models import (
    CampaignIndexPage,
    CampaignPage,
    ContactPage,
    ContentPage,
    HelpLink,
    HelpLinksPage,
    HomePage,
    LessonIndexPage,
    LessonPage,
    Theme,
    TrainingIndexPage,
    TrainingPage,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("chief-editor", "chief@example.org", "x")
    client.force_login(user)
    return client


def listblock(items):
    """Form data for a ListBlock: like a stream without block types."""
    data = {str(i): {"value": item, "deleted": "", "order": str(i)} for i, item in enumerate(items)}
    data["count"] = str(len(items))
    return data


def admin_create(client, parent, model, fields, **nested):
    """Open the admin's add form, fill it in like an editor would, press Publish; return the new page."""
    url = reverse("wagtailadmin_pages:add", args=(model._meta.app_label, model._meta.model_name, parent.pk))
    form_page = client.get(url)
    assert form_page.status_code == 200, f"{model.__name__} cannot be added under {type(parent.specific).__name__}"
    data = {
        key: value
        for key, value in querydict_from_html(form_page.content.decode(), form_id="page-edit-form").items()
        if "__prefix__" not in key
    }
    empty_streams = {
        field.name: streamfield([])
        for field in model._meta.get_fields()
        if isinstance(field, StreamField) and field.name.endswith(("_nl", "_en"))
    }
    data.update(nested_form_data({**empty_streams, "comments": inline_formset([]), **nested}))
    data.update(fields)
    data["action-publish"] = "action-publish"
    response = client.post(url, data)
    if response.status_code != 302:
        form = response.context["form"]
        formsets = {name: fs.errors for name, fs in form.formsets.items()}
        raise AssertionError(f"{model.__name__} not saved: {form.errors.as_json()} {formsets}")
    page = model.objects.child_of(parent).get(slug_nl=fields["slug_nl"])
    assert page.live, f"{model.__name__} was not published"
    return page


def body(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_every_page_type_is_created_in_the_admin_and_read_in_both_languages(editor_client, client):
    root = Page.get_first_root_node()
    home = admin_create(
        editor_client,
        root,
        HomePage,
        {
            "title_nl": "Welkom",
            "title_en": "Welcome",
            "slug_nl": "welkom",
            "slug_en": "welcome",
            "intro_nl": rich_text("<p>Veilig seksueel opgroeien.</p>"),
            "intro_en": rich_text("<p>Growing up sexually safe.</p>"),
        },
        featured_pages=inline_formset([]),
    )
    site = Site.objects.get(is_default_site=True)
    site.root_page = home
    site.save()

    grooming = Theme.objects.create(slug="grooming", name_nl="Grooming", name_en="Grooming")
    lessons = admin_create(
        editor_client,
        home,
        LessonIndexPage,
        {"title_nl": "Lessen", "title_en": "Lessons", "slug_nl": "lessen", "slug_en": "lessons"},
    )
    lesson = admin_create(
        editor_client,
        lessons,
        LessonPage,
        {
            "title_nl": "Sexting en grooming",
            "title_en": "Sexting and grooming",
            "slug_nl": "sexting-en-grooming",
            "slug_en": "sexting-and-grooming",
            "intro_nl": "Over de leuke kanten en de risico's.",
            "intro_en": "About the fun sides and the risks.",
            "duration_minutes": "90",
            "themes": [str(grooming.pk)],
        },
        audiences=inline_formset([{"school_type": "secondary", "year_from": "1", "year_to": "3"}], min=1),
        body_nl=streamfield(
            [
                (
                    "definition",
                    {
                        "term": "Grooming",
                        "pronunciation": "/groe:ming/",
                        "definition": rich_text("<p>Online benaderen met seks als doel.</p>"),
                    },
                ),
                (
                    "steps",
                    {
                        "heading": "Vijf fasen",
                        "steps": listblock([{"title": "Slachtofferselectie", "text": ""}]),
                    },
                ),
            ]
        ),
        body_en=streamfield(
            [
                (
                    "definition",
                    {
                        "term": "Grooming",
                        "pronunciation": "/ˈɡruːmɪŋ/",
                        "definition": rich_text("<p>Approaching someone online with sex as the aim.</p>"),
                    },
                )
            ]
        ),
        learning_goals_nl=streamfield([("goal", "Je herkent grooming.")]),
    )
    trainings = admin_create(
        editor_client,
        home,
        TrainingIndexPage,
        {"title_nl": "Trainingen", "title_en": "Trainings", "slug_nl": "trainingen", "slug_en": "trainings"},
    )
    training = admin_create(
        editor_client,
        trainings,
        TrainingPage,
        {
            "title_nl": "Teamsessie",
            "title_en": "Team session",
            "slug_nl": "teamsessie",
            "slug_en": "team-session",
            "audience": "teams",
            "podcast_title_nl": "niet jouw schuld",
            "podcast_url": "https://example.org/podcast",
            "podcast_minutes": "30",
            "online_rules_nl": rich_text("<ul><li>Microfoon op stil</li></ul>"),
            "online_rules_en": rich_text("<ul><li>Microphone muted</li></ul>"),
        },
        agenda_steps=inline_formset(
            [
                {"title_nl": "Podcast bespreken", "title_en": "Discussing the podcast", "minutes": "20"},
                {"title_nl": "Succesfactoren", "title_en": "Success factors", "minutes": "30"},
            ]
        ),
    )
    campaigns = admin_create(
        editor_client,
        home,
        CampaignIndexPage,
        {"title_nl": "Campagnes", "title_en": "Campaigns", "slug_nl": "campagnes", "slug_en": "campaigns"},
    )
    campaign = admin_create(
        editor_client,
        campaigns,
        CampaignPage,
        {
            "title_nl": "Week van de Liefde",
            "title_en": "Week of Love",
            "slug_nl": "week-van-de-liefde",
            "slug_en": "week-of-love",
            "start_date": "2027-02-08",
            "end_date": "2027-02-14",
            "related_lessons": [str(lesson.pk)],
        },
    )
    help_page = admin_create(
        editor_client,
        home,
        HelpLinksPage,
        {"title_nl": "Hulp", "title_en": "Help", "slug_nl": "hulp", "slug_en": "help"},
    )
    offer = admin_create(
        editor_client,
        home,
        ContentPage,
        {
            "title_nl": "Ons aanbod",
            "title_en": "What we offer",
            "slug_nl": "aanbod",
            "slug_en": "offer",
            "body_nl": rich_text("<p>Ambulante hulp.</p>"),
            "body_en": rich_text("<p>Outreach support.</p>"),
        },
    )
    programme = admin_create(
        editor_client,
        offer,
        ContentPage,
        {"title_nl": "Romeo & Julia", "title_en": "Romeo & Juliet", "slug_nl": "romeo-en-julia", "slug_en": "romeo"},
    )
    contact = admin_create(
        editor_client,
        home,
        ContactPage,
        {"title_nl": "Contact", "title_en": "Contact us", "slug_nl": "contact", "slug_en": "contact-us"},
    )

    expectations = [
        (home, "/", "/en/", "Veilig seksueel opgroeien.", "Growing up sexually safe."),
        (lessons, "/lessen/", "/en/lessons/", "Sexting en grooming", "Sexting and grooming"),
        (lesson, "/lessen/sexting-en-grooming/", "/en/lessons/sexting-and-grooming/", "/groe:ming/", "/ˈɡruːmɪŋ/"),
        (trainings, "/trainingen/", "/en/trainings/", "Teamsessie", "Team session"),
        (training, "/trainingen/teamsessie/", "/en/trainings/team-session/", "Microfoon op stil", "Microphone muted"),
        (campaigns, "/campagnes/", "/en/campaigns/", "Week van de Liefde", "Week of Love"),
        (
            campaign,
            "/campagnes/week-van-de-liefde/",
            "/en/campaigns/week-of-love/",
            "Sexting en grooming",
            "Sexting and",
        ),
        (help_page, "/hulp/", "/en/help/", "<h1>Hulp</h1>", "<h1>Help</h1>"),
        (offer, "/aanbod/", "/en/offer/", "Romeo &amp; Julia", "Romeo &amp; Juliet"),
        (programme, "/aanbod/romeo-en-julia/", "/en/offer/romeo/", "<h1>Romeo &amp; Julia", "<h1>Romeo &amp; Juliet"),
        (contact, "/contact/", "/en/contact-us/", "<h1>Contact</h1>", "<h1>Contact us</h1>"),
    ]
    for page, nl_url, en_url, nl_text, en_text in expectations:
        nl = body(client.get(nl_url))
        en = body(client.get(en_url))
        assert '<html lang="nl">' in nl and '<html lang="en">' in en, page
        assert nl_text in nl, (nl_url, nl_text)
        assert en_text in en, (en_url, en_text)
        assert f'hreflang="en" href="http://testserver{en_url}"' in nl
        assert f'hreflang="nl" href="http://testserver{nl_url}"' in en

    lesson_nl = body(client.get("/lessen/sexting-en-grooming/"))
    assert "Voortgezet onderwijs, leerjaar 1–3" in lesson_nl
    assert "Slachtofferselectie" in lesson_nl
    assert "Je herkent grooming." in lesson_nl
    assert "Je herkent grooming." in body(client.get("/en/lessons/sexting-and-grooming/")), "English falls back"
    training_en = body(client.get("/en/trainings/team-session/"))
    assert "Discussing the podcast" in training_en and "In total 50 minutes." in training_en


def test_parent_child_rules_keep_the_tree_tidy(editor_client, home_page):
    index = LessonIndexPage(title_nl="Lessen", slug_nl="lessen")
    home_page.add_child(instance=index)
    assert LessonPage.can_create_at(index)
    assert not LessonPage.can_create_at(home_page)
    assert not TrainingPage.can_create_at(index)
    assert not LessonIndexPage.can_create_at(home_page), "only one lesson index"
    url = reverse("wagtailadmin_pages:add", args=("home", "lessonpage", home_page.pk))
    response = editor_client.get(url)
    assert response.status_code in (302, 403) and response.get("Location", "/admin/") == "/admin/"


def test_admin_edit_form_shows_the_english_fields_on_every_tab(editor_client, home_page):
    index = TrainingIndexPage(title_nl="Trainingen", slug_nl="trainingen")
    home_page.add_child(instance=index)
    training = TrainingPage(title_nl="Ouderavond", slug_nl="ouderavond")
    index.add_child(instance=training)
    content = body(editor_client.get(reverse("wagtailadmin_pages:edit", args=(training.pk,))))
    for name in ("title_en", "slug_en", "intro_en", "seo_title_en", "search_description_en", "podcast_title_en"):
        assert f'name="{name}"' in content, name
    for stream in ("goals_en", "body_en"):
        assert f'id="{stream}"' in content or f'"{stream}"' in content, stream
    assert "agenda_steps-__prefix__-title_en" in content
    for tab in ("Inhoud", "Programma", "Promoten", "Instellingen"):
        assert tab in content or tab.lower() in content, tab


def test_validation_errors_are_field_errors_not_500(editor_client, home_page):
    index = CampaignIndexPage(title_nl="Campagnes", slug_nl="campagnes")
    home_page.add_child(instance=index)
    url = reverse("wagtailadmin_pages:add", args=("home", "campaignpage", index.pk))
    data = {
        key: value
        for key, value in querydict_from_html(editor_client.get(url).content.decode(), form_id="page-edit-form").items()
        if "__prefix__" not in key
    }
    data.update(
        nested_form_data({"body_nl": streamfield([]), "body_en": streamfield([]), "comments": inline_formset([])})
    )
    data.update(
        {
            "title_nl": "Omgekeerd",
            "slug_nl": "omgekeerd",
            "start_date": "2027-03-10",
            "end_date": "2027-03-01",
            "action-publish": "action-publish",
        }
    )
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "end_date" in response.context["form"].errors
    assert not CampaignPage.objects.exists()


def test_snippets_are_added_in_the_admin_with_both_languages(editor_client, site):
    response = editor_client.post(
        reverse("wagtailsnippets_home_theme:add"),
        {"name_nl": "Grenzen", "name_en": "Boundaries", "slug": "boundaries", "sort_order": "10"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    theme = Theme.objects.get(slug="boundaries")
    response = editor_client.post(
        reverse("wagtailsnippets_home_helplink:add"),
        {
            "name": "Helpwanted",
            "url": "https://www.helpwanted.nl/",
            "description_nl": "Hulp bij online misbruik.",
            "description_en": "Help with online abuse.",
            "topics": [str(theme.pk)],
            "sort_order": "10",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    link = HelpLink.objects.get()
    assert list(link.topics.all()) == [theme]
    content = body(editor_client.get(reverse("wagtailsnippets_home_helplink:edit", args=(link.pk,))))
    assert 'name="description_en"' in content and 'name="hours_en"' in content


def test_preview_renders_each_language(editor_client, home_page):
    index = HelpLinksPage(title_nl="Hulp", title_en="Help", slug_nl="hulp", slug_en="help")
    home_page.add_child(instance=index)
    for mode, heading in (("nl", "<h1>Hulp</h1>"), ("en", "<h1>Help</h1>")):
        url = reverse("wagtailadmin_pages:preview_on_edit", args=(index.pk,))
        data = {
            key: value
            for key, value in querydict_from_html(
                editor_client.get(reverse("wagtailadmin_pages:edit", args=(index.pk,))).content.decode(),
                form_id="page-edit-form",
            ).items()
            if "__prefix__" not in key
        }
        data.update(nested_form_data({"comments": inline_formset([])}))
        assert editor_client.post(url, data).json()["is_valid"]
        content = body(editor_client.get(url, {"mode": mode}))
        assert heading in content
        assert re.search(rf'<html lang="{mode}">', content)


def test_site_settings_edit_form_has_contact_channels_and_mail_sender(editor_client, site):
    url = reverse("wagtailsettings:edit", args=("home", "sitesettings", site.pk))
    content = body(editor_client.get(url))
    for name in ("address", "phone", "whatsapp", "chat_intro_nl", "chat_intro_en", "mail_sender_name"):
        assert f'name="{name}"' in content, name
    assert "chat_hours" in content and "social_links" in content


def test_editors_group_manages_themes_and_help_links(client, site, django_user_model):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user("redacteur", "r@example.org", "x", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    for url in (reverse("wagtailsnippets_home_theme:list"), reverse("wagtailsnippets_home_helplink:add")):
        assert client.get(url).status_code == 200, url
    response = client.post(
        reverse("wagtailsnippets_home_theme:add"),
        {"name_nl": "Grenzen", "name_en": "Boundaries", "slug": "boundaries", "sort_order": "10"},
    )
    assert response.status_code == 302 and Theme.objects.filter(slug="boundaries").exists()
