from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django_otp.admin import OTPAdminSite

from ukai.config.api import api
from ukai.core import ops_views
from ukai.core.api import api_not_found
from ukai.core.views import admin_login

# The Django admin needs the second factor too, and has no sign-in form of its
# own: it sends staff to the staff login (password, then TOTP).
admin.site.__class__ = OTPAdminSite
admin.site.login = admin_login  # type: ignore[method-assign]

urlpatterns = [
    path("healthz", ops_views.healthz, name="healthz"),
    path("metrics", ops_views.metrics, name="metrics"),
    path("api/v1/", api.urls),
    path("api/v1/<path:rest>", api_not_found),
    path("i18n/", include("django.conf.urls.i18n")),
    path("django-admin/", admin.site.urls),
    path("", include("ukai.opendata.urls")),
    path("", include("ukai.plan.urls")),
    path("chatbot/", include("ukai.chatbot.urls")),
    path("staff/chatbot/", include("ukai.chatbot.staff_urls")),
    path("procedures/", include("ukai.procedures.urls")),
    path("staff/minutes/", include("ukai.minutes.urls")),
    path("staff/ocr/", include("ukai.ocr.staff_urls")),
    path("staff/procedures/", include("ukai.procedures.staff_urls")),
    path("staff/residents/", include("ukai.residents.staff_urls")),
    path("counter/", include("ukai.counter.queue.urls")),
    path("staff/counter/queue/", include("ukai.counter.queue.staff_urls")),
    path("staff/counter/", include("ukai.counter.staff_urls")),
    path("", include("ukai.core.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
