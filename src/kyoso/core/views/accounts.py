"""Sign-in with optional two-factor (TOTP), and two-factor set-up."""

from __future__ import annotations

from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from kyoso.core.access import has_second_step_device, needs_second_step
from kyoso.core.demo import demo_totp_code_usable, is_demo_account
from kyoso.core.forms import EmailAuthenticationForm, QueuedPasswordResetForm, TokenForm
from kyoso.core.models import User
from kyoso.core.services import audit_record
from kyoso.core.sign_in_throttle import record_failure, record_success, seconds_to_wait

PENDING_KEY = "kyoso_2fa_pending_user"
PENDING_NEXT = "kyoso_2fa_next"


class LoginView(auth_views.LoginView):
    form_class = EmailAuthenticationForm
    template_name = "core/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        email = str(request.POST.get("username", ""))
        wait = seconds_to_wait(request, email)
        if wait:
            # The password is not even checked, so waiting is the only way to learn anything.
            form = self.get_form()
            form.errors.clear()
            form.add_error(
                None,
                _("Too many attempts. Please wait %(seconds)d seconds and try again.")
                % {"seconds": wait},
            )
            response = self.render_to_response(self.get_context_data(form=form))
            response.status_code = 429
            response["Retry-After"] = str(wait)
            return response
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: EmailAuthenticationForm) -> HttpResponse:  # type: ignore[override]
        record_failure(self.request, str(self.request.POST.get("username", "")))
        return super().form_invalid(form)

    def form_valid(self, form: EmailAuthenticationForm) -> HttpResponse:  # type: ignore[override]
        record_success(self.request, str(self.request.POST.get("username", "")))
        user = form.get_user()
        if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            # The password was right; the session holds only a pending marker until the code is.
            self.request.session[PENDING_KEY] = user.pk
            self.request.session[PENDING_NEXT] = self.get_success_url()
            return redirect("core:two_factor_verify")
        return super().form_valid(form)


class PasswordResetView(auth_views.PasswordResetView):
    form_class = QueuedPasswordResetForm
    template_name = "core/password_reset.html"
    email_template_name = "core/email/password_reset.txt"
    subject_template_name = "core/email/password_reset_subject.txt"


def two_factor_verify(request: HttpRequest) -> HttpResponse:
    user_id = request.session.get(PENDING_KEY)
    user = User.objects.filter(pk=user_id).first() if user_id else None
    if user is None:
        return redirect("core:login")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for device in TOTPDevice.objects.filter(user=user, confirmed=True):
            if device.verify_token(form.cleaned_data["token"]):
                next_url = request.session.get(PENDING_NEXT) or "/"
                login(request, user, backend="kyoso.core.auth_backends.EmailBackend")
                otp_login(request, device)
                return redirect(next_url)
        form.add_error(
            "token", _("The code is not correct. Check the time on your phone and try again.")
        )
    demo_code = demo_totp_code_usable(user) if is_demo_account(user.email) else ""
    return render(request, "core/two_factor_verify.html", {"form": form, "demo_code": demo_code})


@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    user = request.user
    if has_second_step_device(user) and not user.is_verified():  # type: ignore[union-attr]
        # Only the password was given: adding an authenticator needs the one already set up.
        logout(request)
        return redirect(f"{reverse('core:login')}?{urlencode({'next': request.get_full_path()})}")
    next_url = _safe_next(request)
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Kyoso", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
            otp_login(request, device)
            audit_record(city=None, actor=user, action="account.two_factor_on", obj=user)  # type: ignore[arg-type]
            messages.success(request, _("Two-step sign-in is on."))
            return redirect(next_url or "core:home")
        form.add_error(
            "token", _("The code is not correct. Check the time on your phone and try again.")
        )
    qr_svg = segno.make(device.config_url, micro=False).svg_inline(scale=5, dark="#111")
    context: dict[str, Any] = {
        "form": form,
        "qr_svg": qr_svg,
        "secret": _base32(device.bin_key),
        "next": next_url,
        "required": needs_second_step(user) and not has_second_step_device(user),
    }
    return render(request, "core/two_factor_setup.html", context)


def _safe_next(request: HttpRequest) -> str:
    """Return the ``next`` the request carries if it stays on this site, else an empty string."""
    candidate = str(request.POST.get("next") or request.GET.get("next") or "")
    if url_has_allowed_host_and_scheme(
        candidate, {request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _base32(key: bytes) -> str:
    import base64

    return base64.b32encode(key).decode().rstrip("=")
