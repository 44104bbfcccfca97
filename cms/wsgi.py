import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.production")

# A cached anonymous page is answered in front of Django (cms/cache.py); everything else is Django's.
from cms.cache import PageCacheApplication  # noqa: E402  (once DJANGO_SETTINGS_MODULE is set)

application = PageCacheApplication(get_wsgi_application())

# Everything loaded so far (Django, Wagtail, the URLconf, the templates' modules) lives as long as the process:
# freezing it keeps the garbage collector's full passes, which otherwise stall a request for tens of
# milliseconds now and then, to the objects that requests make.
gc.freeze()
