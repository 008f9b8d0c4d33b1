"""The hosted payment page's form: what the customer types, checked as Stripe's page checks it
(a test card number, an expiry not past by the account's clock, a CVC), each problem worded
for the customer and tied to its field."""

import re
from datetime import datetime

from django import forms

from core.errors import UnprocessableRequest
from payments import testcards
from payments.testcards import TestCard

_EXPIRY = re.compile(r"^\s*(\d{1,2})\s*/?\s*(\d{2}|\d{4})\s*$")


class PaymentForm(forms.Form):
    """Email (only when the checkout knows none), card number, expiry, CVC, name on card."""

    email = forms.EmailField(label="Email", max_length=254, error_messages={
        "required": "Enter your email.", "invalid": "Your email address is invalid."})
    card_number = forms.CharField(label="Card number", max_length=23, error_messages={
        "required": "Enter your card number."})
    card_expiry = forms.CharField(label="Expiration (MM / YY)", max_length=9, error_messages={
        "required": "Enter your card's expiration date."})
    card_cvc = forms.CharField(label="CVC", max_length=4, error_messages={
        "required": "Enter your card's security code."})
    cardholder_name = forms.CharField(label="Name on card", max_length=200, error_messages={
        "required": "Enter the name on your card."})

    # How each field is typed and autofilled (`autocomplete`, `inputmode`) and its example.
    INPUTS = {
        "email": ("email", "email", "jenny@example.com"),
        "card_number": ("cc-number", "numeric", "1234 1234 1234 1234"),
        "card_expiry": ("cc-exp", "numeric", "MM / YY"),
        "card_cvc": ("cc-csc", "numeric", "123"),
        "cardholder_name": ("cc-name", "text", "Jenny Rosen"),
    }

    def __init__(self, *args, ask_email: bool, now: datetime, **kwargs):
        super().__init__(*args, **kwargs)
        self.now = now
        if not ask_email:
            del self.fields["email"]

    def clean_card_number(self) -> TestCard:
        digits = "".join(self.cleaned_data["card_number"].split())
        if not digits.isdigit():
            raise forms.ValidationError("Your card number is invalid: digits only.")
        try:
            return testcards.by_number(digits)
        except UnprocessableRequest:
            raise forms.ValidationError(
                "Your card number is incorrect: only test cards work here, such as "
                "4242 4242 4242 4242.") from None

    def clean_card_expiry(self) -> tuple[int, int]:
        """(month, year) of `MM / YY`, `MM/YY`, `MMYY` or `MM / YYYY`."""
        match = _EXPIRY.match(self.cleaned_data["card_expiry"])
        if match is None:
            raise forms.ValidationError("Your card's expiration date is incomplete: MM / YY.")
        month, year = int(match.group(1)), int(match.group(2))
        year += 2000 if year < 100 else 0
        if not 1 <= month <= 12:
            raise forms.ValidationError("Your card's expiration month is invalid.")
        if (year, month) < (self.now.year, self.now.month):
            raise forms.ValidationError("Your card's expiration date is in the past.")
        if year > self.now.year + 50:
            raise forms.ValidationError("Your card's expiration year is invalid.")
        return month, year

    def clean_card_cvc(self) -> str:
        cvc = self.cleaned_data["card_cvc"].strip()
        if not cvc.isdigit() or not 3 <= len(cvc) <= 4:
            raise forms.ValidationError("Your card's security code is incomplete: 3 or 4 "
                                        "digits.")
        return cvc

    def fields_shown(self) -> list[dict]:
        """Each field with how the template writes it: its input's attributes and errors."""
        first_invalid = next((name for name in self.fields if name in self.errors), None)
        return [{"field": self[name], "autocomplete": autocomplete, "inputmode": inputmode,
                 "placeholder": placeholder, "autofocus": name == first_invalid,
                 "type": "email" if name == "email" else "text"}
                for name, (autocomplete, inputmode, placeholder) in self.INPUTS.items()
                if name in self.fields]
