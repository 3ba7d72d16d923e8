"""The Russian payment QR code (ГОСТ Р 56042-2014): the string every Russian banking app
reads to fill in a bank transfer.

``ST00012|Name=…|PersonalAcc=…|BankName=…|BIC=…|CorrespAcc=…[|Sum=…|Purpose=…|…]``:
format ``ST``, version ``0001``, encoding ``2`` (UTF-8), then ``key=value`` pairs separated
by ``|``. The five payee details are mandatory; ``Sum`` is in kopecks. The whole string is
at most 300 bytes. Pure functions: no Odoo here."""

import re
from decimal import ROUND_HALF_UP, Decimal

HEADER = "ST00012"  # ST, version 0001, encoding 2 = UTF-8
MAX_BYTES = 300
SEPARATOR = "|"
REQUIRED = ("Name", "PersonalAcc", "BankName", "BIC", "CorrespAcc")
# optional details, in the order they are written
OPTIONAL = ("Sum", "Purpose", "PayeeINN", "KPP", "LastName", "PayerAddress")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


class PaymentQrError(ValueError):
    """The details cannot make a valid payment string: ``field`` says which one."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field


def clean(value):
    """A value as the string may carry it: control characters become spaces, the separator
    ``|`` becomes ``/``, runs of spaces one space."""
    text = _CONTROL.sub(" ", str(value)).replace(SEPARATOR, "/")
    return " ".join(text.split())


def kopecks(amount):
    """``amount`` in roubles as a whole number of kopecks (half up)."""
    return int((Decimal(str(amount)) * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def check_details(details):
    """The payee's details must be there and well formed (digits of the Russian bank
    formats), else ``PaymentQrError`` naming the first wrong one."""
    for key in REQUIRED:
        if not clean(details.get(key) or ""):
            raise PaymentQrError(f"{key} is missing", key)
    formats = {"PersonalAcc": 20, "CorrespAcc": 20, "BIC": 9}
    for key, length in formats.items():
        value = clean(details[key]).replace(" ", "")
        if not (value.isdigit() and len(value) == length):
            raise PaymentQrError(f"{key} must be {length} digits, not {details[key]!r}", key)
    inn = clean(details.get("PayeeINN") or "")
    if inn and not (inn.isdigit() and len(inn) in (10, 12)):
        raise PaymentQrError(f"PayeeINN must be 10 or 12 digits, not {inn!r}", "PayeeINN")
    kpp = clean(details.get("KPP") or "")
    if kpp and not (kpp.isdigit() and len(kpp) == 9):
        raise PaymentQrError(f"KPP must be 9 digits, not {kpp!r}", "KPP")


def payment_string(details, amount=None):
    """The payment string for ``details`` (a dict of the keys above) and ``amount`` (roubles;
    ``None``: the payer types the sum). Values are cleaned; a string over 300 bytes gives up
    the payer's address (its last parts first), then the payer's name, then the end of the
    purpose; a string that still does not fit is an error."""
    check_details(details)
    pairs = []
    for key in REQUIRED:
        value = clean(details[key])
        if key in ("PersonalAcc", "CorrespAcc", "BIC"):
            value = value.replace(" ", "")
        pairs.append([key, value])
    if amount is not None:
        if Decimal(str(amount)) <= 0:
            raise PaymentQrError(f"the sum must be positive, not {amount}", "Sum")
        pairs.append(["Sum", str(kopecks(amount))])
    for key in OPTIONAL[1:]:
        value = clean(details.get(key) or "")
        if value:
            pairs.append([key, value])

    def render():
        return SEPARATOR.join([HEADER] + [f"{key}={value}" for key, value in pairs if value])

    text = render()
    address = next((pair for pair in pairs if pair[0] == "PayerAddress"), None)
    # the address loses its last parts (country, then city, ...), then goes
    while address and address[1] and len(text.encode()) > MAX_BYTES:
        address[1] = ", ".join(address[1].split(", ")[:-1])
        text = render()
    # then the payer's name: the payee's details and the purpose matter more
    last_name = next((pair for pair in pairs if pair[0] == "LastName"), None)
    if last_name and len(text.encode()) > MAX_BYTES:
        last_name[1] = ""
        text = render()
    purpose = next((pair for pair in pairs if pair[0] == "Purpose"), None)
    excess = len(text.encode()) - MAX_BYTES
    if purpose and excess > 0:
        data = purpose[1].encode()
        cut = data[:max(len(data) - excess, 0)].decode(errors="ignore")
        # at a word boundary when there is one
        purpose[1] = (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(" ,.;")
        text = render()
    if len(text.encode()) > MAX_BYTES:
        raise PaymentQrError(
            f"the payment details take {len(text.encode())} bytes, more than {MAX_BYTES}", "Name")
    return text
