from django.conf import settings
from django.db import models


class Purchase(models.Model):
    """Something bought: a title, an amount, who asked for it."""

    title = models.CharField(max_length=100)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    urgent = models.BooleanField(default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return f"/purchases/{self.pk}/"
