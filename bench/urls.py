"""The site's URLs plus the floor: a bare Django view that does nothing but answer."""

from django.http import HttpResponse
from django.urls import path

from cms.urls import urlpatterns as site_urlpatterns


def bare(request):
    return HttpResponse(b"<!DOCTYPE html><html lang=nl><title>ok</title><p>ok</p></html>", content_type="text/html")


urlpatterns = [path("bench/bare/", bare, name="bench_bare"), *site_urlpatterns]
