"""Pre-start becomes a stage kind of its own, reserved like Hired: the stage with code `pre_start` takes it
(with a history row saying so), and the database keeps one stage of each reserved kind."""

from django.db import migrations, models
from django.utils import timezone

REASON = "candidates.stage.reserved"


def reserve_pre_start(apps, schema_editor):
    Stage = apps.get_model("candidates", "Stage")
    HistoricalStage = apps.get_model("candidates", "HistoricalStage")
    if Stage.objects.filter(kind="pre_start").exists():
        return
    stage = Stage.objects.filter(code="pre_start").first()
    if stage is None:
        return  # an installation without that stage: the next one an admin makes of the kind takes its place
    stage.kind = "pre_start"
    stage.save(update_fields=["kind"])
    fields = {f.attname: getattr(stage, f.attname) for f in Stage._meta.concrete_fields}
    HistoricalStage.objects.create(
        **fields, history_date=timezone.now(), history_type="~", history_change_reason=REASON, history_user=None
    )


def release_pre_start(apps, schema_editor):
    Stage = apps.get_model("candidates", "Stage")
    Stage.objects.filter(kind="pre_start").update(kind="in_progress")


KIND = models.CharField(
    choices=[
        ("in_progress", "In progress"),
        ("pre_start", "Pre-start (reached by an accepted offer or a contractor's start)"),
        ("hired", "Hired (the last stage, reached by confirming the start)"),
    ],
    default="in_progress",
    max_length=12,
    verbose_name="kind",
)


class Migration(migrations.Migration):
    dependencies = [
        ("candidates", "0007_offer_declined_reasons"),
    ]

    operations = [
        migrations.AlterField(model_name="historicalstage", name="kind", field=KIND),
        migrations.AlterField(model_name="stage", name="kind", field=KIND),
        migrations.RunPython(reserve_pre_start, release_pre_start),
        migrations.AddConstraint(
            model_name="stage",
            constraint=models.UniqueConstraint(
                condition=models.Q(("kind__in", ("pre_start", "hired"))),
                fields=("kind",),
                name="stage_one_of_each_reserved_kind",
                violation_error_message=(
                    "A stage of this kind already exists: Pre-start and Hired belong to workflows, one stage each."
                ),
            ),
        ),
    ]
