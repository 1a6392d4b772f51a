"""Money: an amount and its currency, and the one place for the limits and the rounding of amounts.

Every amount the portal stores (pay ranges, bands, plan budgets, ledger events) is a column made by
`amount_field`, and every computation on money goes through `Money`, which rounds to the cent
(half up) and refuses to mix currencies or to grow past what a column can hold.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

CENT = Decimal("0.01")
MAX_DIGITS = 14
DECIMAL_PLACES = 2
# The largest amount a column of MAX_DIGITS digits (two after the point) holds.
MAX_AMOUNT = Decimal("999999999999.99")


class MoneyError(ValueError):
    """An amount that cannot be money: mixed currencies, too large, not a number."""


def rounded(value) -> Decimal:
    """`value` as a Decimal rounded to the cent, half up (0.005 -> 0.01)."""
    try:
        return Decimal(value).quantize(CENT, ROUND_HALF_UP)
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise MoneyError(f"not an amount: {value!r}") from exc


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str

    def __post_init__(self):
        amount = rounded(self.amount)
        if abs(amount) > MAX_AMOUNT:
            raise MoneyError(f"{amount} is beyond the largest amount the portal stores ({MAX_AMOUNT})")
        if not (isinstance(self.currency, str) and len(self.currency) == 3 and self.currency.isupper()):
            raise MoneyError(f"not a currency code: {self.currency!r}")
        object.__setattr__(self, "amount", amount)

    @classmethod
    def zero(cls, currency: str) -> "Money":
        return cls(Decimal("0"), currency)

    def _same(self, other: "Money") -> None:
        if not isinstance(other, Money):
            raise MoneyError(f"cannot combine money with {other!r}")
        if other.currency != self.currency:
            raise MoneyError(f"cannot combine {self.currency} with {other.currency}")

    def __add__(self, other: "Money") -> "Money":
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: "Money") -> "Money":
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __mul__(self, factor) -> "Money":
        if isinstance(factor, Money | float):
            raise MoneyError("multiply money by a whole number or a Decimal")
        return Money(self.amount * Decimal(factor), self.currency)

    __rmul__ = __mul__

    def __neg__(self) -> "Money":
        return Money(-self.amount, self.currency)

    def __lt__(self, other: "Money") -> bool:
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: "Money") -> bool:
        self._same(other)
        return self.amount <= other.amount

    def __gt__(self, other: "Money") -> bool:
        self._same(other)
        return self.amount > other.amount

    def __ge__(self, other: "Money") -> bool:
        self._same(other)
        return self.amount >= other.amount

    def allocate(self, parts: int) -> list["Money"]:
        """Split into `parts` amounts that differ by at most a cent and add up exactly to this one."""
        if parts < 1:
            raise MoneyError("allocate into one part or more")
        cents = int(self.amount / CENT)
        base, remainder = divmod(abs(cents), parts)
        sign = -1 if cents < 0 else 1
        return [Money(sign * Decimal(base + (1 if i < remainder else 0)) * CENT, self.currency) for i in range(parts)]

    def __str__(self) -> str:
        return f"{self.amount:,.2f} {self.currency}"


def amount_field(verbose_name, *, max_value: Decimal | int = MAX_AMOUNT, allow_negative: bool = False, **kwargs):
    """A column for an amount: always MAX_DIGITS digits with cents, within 0 (or -max when negative
    amounts are allowed, as for ledger reversals) and `max_value`."""
    low = -Decimal(max_value) if allow_negative else Decimal("0")
    return models.DecimalField(
        verbose_name,
        max_digits=MAX_DIGITS,
        decimal_places=DECIMAL_PLACES,
        validators=[MinValueValidator(low), MaxValueValidator(Decimal(max_value))],
        **kwargs,
    )
