# Limits on a requisition's numbers and texts; money columns of the one money type (portal.money).

import django.core.validators
from decimal import Decimal
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('requisitions', '0005_legacy_step_accessor'),
    ]

    operations = [
        migrations.AlterField(
            model_name='historicalrequisition',
            name='agency_fee',
            field=models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=14, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('5000000'))], verbose_name='agency fee'),
        ),
        migrations.AlterField(
            model_name='historicalrequisition',
            name='base_max',
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=14, null=True, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('5000000'))], verbose_name='base pay maximum (per year)'),
        ),
        migrations.AlterField(
            model_name='historicalrequisition',
            name='base_min',
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=14, null=True, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('5000000'))], verbose_name='base pay minimum (per year)'),
        ),
        migrations.AlterField(
            model_name='historicalrequisition',
            name='business_case',
            field=models.TextField(blank=True, help_text='Required for a net-new role.', max_length=4000, validators=[django.core.validators.MaxLengthValidator(4000)], verbose_name='business case'),
        ),
        migrations.AlterField(
            model_name='historicalrequisition',
            name='contract_hours',
            field=models.PositiveIntegerField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(4000)], verbose_name='contract hours in the first year'),
        ),
        migrations.AlterField(
            model_name='historicalrequisition',
            name='cost_max',
            field=models.DecimalField(blank=True, decimal_places=2, editable=False, max_digits=14, null=True, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('999999999999.99'))], verbose_name='first-year cost maximum (per opening)'),
        ),
        migrations.AlterField(
            model_name='historicalrequisition',
            name='cost_min',
            field=models.DecimalField(blank=True, decimal_places=2, editable=False, max_digits=14, null=True, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('999999999999.99'))], verbose_name='first-year cost minimum (per opening)'),
        ),
        migrations.AlterField(
            model_name='historicalrequisition',
            name='equipment',
            field=models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=14, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('5000000'))], verbose_name='equipment'),
        ),
        migrations.AlterField(
            model_name='historicalrequisition',
            name='justification',
            field=models.TextField(blank=True, help_text='Required when the pay range is above the band or the plan budget is exceeded.', max_length=4000, validators=[django.core.validators.MaxLengthValidator(4000)], verbose_name='justification'),
        ),
        migrations.AlterField(
            model_name='historicalrequisition',
            name='max_bill_rate',
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=14, null=True, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('5000'))], verbose_name='maximum bill rate (per hour)'),
        ),
        migrations.AlterField(
            model_name='historicalrequisition',
            name='openings',
            field=models.PositiveSmallIntegerField(default=1, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(100)], verbose_name='openings'),
        ),
        migrations.AlterField(
            model_name='historicalrequisition',
            name='relocation',
            field=models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=14, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('5000000'))], verbose_name='relocation'),
        ),
        migrations.AlterField(
            model_name='historicalrequisition',
            name='signing_bonus',
            field=models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=14, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('5000000'))], verbose_name='signing bonus'),
        ),
        migrations.AlterField(
            model_name='historicalrequisition',
            name='status_note',
            field=models.TextField(blank=True, editable=False, help_text='Why it was last sent back, rejected, put on hold or cancelled.', max_length=4000, validators=[django.core.validators.MaxLengthValidator(4000)], verbose_name='status note'),
        ),
        migrations.AlterField(
            model_name='requisition',
            name='agency_fee',
            field=models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=14, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('5000000'))], verbose_name='agency fee'),
        ),
        migrations.AlterField(
            model_name='requisition',
            name='base_max',
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=14, null=True, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('5000000'))], verbose_name='base pay maximum (per year)'),
        ),
        migrations.AlterField(
            model_name='requisition',
            name='base_min',
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=14, null=True, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('5000000'))], verbose_name='base pay minimum (per year)'),
        ),
        migrations.AlterField(
            model_name='requisition',
            name='business_case',
            field=models.TextField(blank=True, help_text='Required for a net-new role.', max_length=4000, validators=[django.core.validators.MaxLengthValidator(4000)], verbose_name='business case'),
        ),
        migrations.AlterField(
            model_name='requisition',
            name='contract_hours',
            field=models.PositiveIntegerField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(4000)], verbose_name='contract hours in the first year'),
        ),
        migrations.AlterField(
            model_name='requisition',
            name='cost_max',
            field=models.DecimalField(blank=True, decimal_places=2, editable=False, max_digits=14, null=True, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('999999999999.99'))], verbose_name='first-year cost maximum (per opening)'),
        ),
        migrations.AlterField(
            model_name='requisition',
            name='cost_min',
            field=models.DecimalField(blank=True, decimal_places=2, editable=False, max_digits=14, null=True, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('999999999999.99'))], verbose_name='first-year cost minimum (per opening)'),
        ),
        migrations.AlterField(
            model_name='requisition',
            name='equipment',
            field=models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=14, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('5000000'))], verbose_name='equipment'),
        ),
        migrations.AlterField(
            model_name='requisition',
            name='justification',
            field=models.TextField(blank=True, help_text='Required when the pay range is above the band or the plan budget is exceeded.', max_length=4000, validators=[django.core.validators.MaxLengthValidator(4000)], verbose_name='justification'),
        ),
        migrations.AlterField(
            model_name='requisition',
            name='max_bill_rate',
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=14, null=True, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('5000'))], verbose_name='maximum bill rate (per hour)'),
        ),
        migrations.AlterField(
            model_name='requisition',
            name='openings',
            field=models.PositiveSmallIntegerField(default=1, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(100)], verbose_name='openings'),
        ),
        migrations.AlterField(
            model_name='requisition',
            name='relocation',
            field=models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=14, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('5000000'))], verbose_name='relocation'),
        ),
        migrations.AlterField(
            model_name='requisition',
            name='signing_bonus',
            field=models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=14, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('5000000'))], verbose_name='signing bonus'),
        ),
        migrations.AlterField(
            model_name='requisition',
            name='status_note',
            field=models.TextField(blank=True, editable=False, help_text='Why it was last sent back, rejected, put on hold or cancelled.', max_length=4000, validators=[django.core.validators.MaxLengthValidator(4000)], verbose_name='status note'),
        ),
    ]
