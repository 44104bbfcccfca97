"""Load the demo content and the demo editor. Safe to run any number of times: nothing is created twice.

The pages come from home/demo/*.yaml. What happens around them (sessions, registrations, evaluations, a school
request) belongs to the apps that own it: when a `load_demo_activity` command is installed (the evaluations app
has one), it runs after the pages, called by name so that `home` does not import those apps.
"""

import logging

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand
from django.db import transaction
from wagtail.models import Page, Site

from home.demo.loader import ensure_demo_content, give_demo_password, home_page_fields, shown
from home.models import HomePage, SiteSettings

DEMO_EDITOR = {"username": "editor", "email": "editor@example.org"}


class Command(BaseCommand):
    help = "Create the demo home page (NL + EN), the demo content and the demo editor, if absent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-demo",
            action="store_true",
            help="Only the home page, site and demo editor; no lessons, trainings, help links or settings.",
        )
        parser.add_argument(
            "--no-activity",
            action="store_true",
            help="The demo pages without the demo sessions, registrations, evaluations and school request.",
        )

    def handle(self, *args, **options):
        # one line per step instead of a log line for every page published and every demo registration
        logging.disable(logging.INFO)
        try:
            self.load(options)
        finally:
            logging.disable(logging.NOTSET)

    def load(self, options):
        with transaction.atomic():
            home, created = self.ensure_home_page()
            self.stdout.write(f"home page: {'created' if created else 'present'} (id {home.pk})")
            site = Site.objects.get(is_default_site=True)
            SiteSettings.for_site(site)  # the settings row exists from the start (pages read it on every view)
            pages_before = Page.objects.count()
            if not options["no_demo"]:
                ensure_demo_content(home, site)
                self.stdout.write(f"demo content: {Page.objects.count() - pages_before} pages created")
            password = self.ensure_demo_editor()
            self.stdout.write(f"demo editor: {'created' if password else 'present'}")
        call_command("update_translation_fields", verbosity=0)
        call_command("set_translation_url_paths", verbosity=0)
        if not (options["no_demo"] or options["no_activity"]) and "load_demo_activity" in get_commands():
            call_command("load_demo_activity", stdout=self.stdout, stderr=self.stderr)
        self.stdout.write(self.style.SUCCESS(f"Admin: /admin/  user: {DEMO_EDITOR['username']}  {shown(password)}"))

    def ensure_home_page(self):
        existing = HomePage.objects.first()
        if existing:
            return existing, False
        root = Page.get_first_root_node()
        for placeholder in root.get_children():
            if placeholder.specific_class is Page:
                placeholder.delete()  # Wagtail's "Welcome" page (and its Site): our home page replaces both
        home = HomePage(slug_nl="home", slug_en="home", **home_page_fields(skip={"help_teaser"}))
        root.add_child(instance=home)
        home.save_revision().publish()
        site = Site.objects.filter(is_default_site=True).first()
        old_root = site.root_page if site else None
        if site:
            site.root_page = home
            site.site_name = "Qpido"
            site.save()
        else:
            Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="Qpido")
        if old_root and old_root.pk != home.pk and old_root.specific_class is Page:
            old_root.delete()
        return home, True

    def ensure_demo_editor(self):
        User = get_user_model()
        user, created = User.objects.get_or_create(
            username=DEMO_EDITOR["username"],
            defaults={"email": DEMO_EDITOR["email"], "is_staff": True, "is_superuser": True},
        )
        if not created:
            return None
        password = give_demo_password(user)
        editors = Group.objects.filter(name="Editors").first()
        if editors:
            user.groups.add(editors)
        return password
