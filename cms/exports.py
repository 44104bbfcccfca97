"""Spreadsheet exports that open right in Excel in the admin user's language (Wagtail's SpreadsheetExportMixin,
CSV part): a UTF-8 byte order mark, so Excel reads "Zoë" and "‘Liefde is…’" as written, and the list separator
of the language, so Dutch Excel (decimal comma, list separator ";") splits the columns instead of showing
everything in column A. XLSX needs neither and is the first choice in the admin."""

import csv

from django.utils import translation
from wagtail.admin.views.mixins import Echo

BOM = "\ufeff".encode()  # Echo (the writer's file) gives bytes
SEPARATORS = {"nl": ";"}  # languages whose Excel uses ";" between fields; "," for the others


def csv_separator(language: str | None) -> str:
    return SEPARATORS.get((language or "")[:2], ",")


class ExcelCsvMixin:
    """Put before SpreadsheetExportMixin. The CSV is streamed after the view returns: the language (of headings,
    values and the separator) is fixed when the response is made."""

    def stream_csv(self, queryset):
        language = translation.get_language()
        writer = csv.DictWriter(Echo(), fieldnames=self.list_export, delimiter=csv_separator(language))

        def rows():
            with translation.override(language):
                yield BOM + writer.writerow({field: self.get_heading(queryset, field) for field in self.list_export})
                for item in queryset:
                    yield self.write_csv_row(writer, self.to_row_dict(item))

        return rows()
