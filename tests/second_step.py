"""Two-step sign-in in tests: an authenticator for a person, and signing in with it.

Staff, clinic, moderator and admin accounts must use two-step sign-in, so tests that sign such
a person in through the pages give them an authenticator and type its current code, as the
person would. ``Client.force_login`` passes the second step by itself (see conftest).
"""

from __future__ import annotations

from typing import Any

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from kyoso.core.access import needs_second_step


def authenticator(user: Any) -> TOTPDevice:
    """Return the person's confirmed authenticator, making one if they have none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test phone", confirmed=True)
    return device


def sign_in_code(device: TOTPDevice) -> str:
    """Return the 6-digit code the authenticator shows now."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def pass_second_step(client: Client, user: Any) -> None:
    """Mark the client's session as having passed the second step, if the person needs one."""
    if not needs_second_step(user):
        return
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = authenticator(user).persistent_id
    session.save()


def browser_sign_in(page: Any, user: Any, password: str, base_url: str | None = None) -> None:
    """Sign the person in through the pages in a Playwright page, typing the code if asked."""
    base = base_url or page.base_url
    device = authenticator(user) if needs_second_step(user) else None
    page.goto(base + "/accounts/login/")
    page.locator("input[name=username]").fill(user.email)
    page.locator("input[name=password]").fill(password)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    if device is not None:
        page.wait_for_url("**/accounts/2fa/verify/")
        page.locator("input[name=token]").fill(sign_in_code(device))
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_load_state()
