# The spine for every module: approval chains on any subject, the spend ledger, decision kinds
# registered by their app, and amounts of the one money type.

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
import portal.models.users
import portal.registry
import simple_history.models
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('portal', '0004_exportlog'),
        ('requisitions', '0006_requisition_limits'),
    ]

    operations = [
        migrations.AlterModelManagers(
            name='user',
            managers=[
                ('objects', portal.models.users.PeopleManager()),
            ],
        ),
        migrations.AlterField(
            model_name='compband',
            name='maximum',
            field=models.DecimalField(decimal_places=2, max_digits=14, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('5000000'))], verbose_name='maximum'),
        ),
        migrations.AlterField(
            model_name='compband',
            name='midpoint',
            field=models.DecimalField(decimal_places=2, max_digits=14, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('5000000'))], verbose_name='midpoint'),
        ),
        migrations.AlterField(
            model_name='compband',
            name='minimum',
            field=models.DecimalField(decimal_places=2, max_digits=14, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('5000000'))], verbose_name='minimum'),
        ),
        migrations.AlterField(
            model_name='decision',
            name='detail',
            field=models.TextField(blank=True, max_length=4000, validators=[django.core.validators.MaxLengthValidator(4000)], verbose_name='detail'),
        ),
        migrations.AlterField(
            model_name='decision',
            name='kind',
            field=models.CharField(choices=portal.registry.decision_kind_choices, max_length=32, verbose_name='kind'),
        ),
        migrations.AlterField(
            model_name='decision',
            name='note',
            field=models.TextField(blank=True, max_length=4000, validators=[django.core.validators.MaxLengthValidator(4000)], verbose_name='note'),
        ),
        migrations.AlterField(
            model_name='hiringplan',
            name='approved_budget',
            field=models.DecimalField(decimal_places=2, max_digits=14, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('999999999999.99'))], verbose_name='approved budget'),
        ),
        migrations.AlterField(
            model_name='hiringplan',
            name='approved_headcount',
            field=models.PositiveIntegerField(validators=[django.core.validators.MaxValueValidator(10000)], verbose_name='approved headcount'),
        ),
        migrations.AlterField(
            model_name='hiringplan',
            name='notes',
            field=models.TextField(blank=True, max_length=4000, validators=[django.core.validators.MaxLengthValidator(4000)], verbose_name='notes'),
        ),
        migrations.AlterField(
            model_name='historicalcompband',
            name='maximum',
            field=models.DecimalField(decimal_places=2, max_digits=14, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('5000000'))], verbose_name='maximum'),
        ),
        migrations.AlterField(
            model_name='historicalcompband',
            name='midpoint',
            field=models.DecimalField(decimal_places=2, max_digits=14, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('5000000'))], verbose_name='midpoint'),
        ),
        migrations.AlterField(
            model_name='historicalcompband',
            name='minimum',
            field=models.DecimalField(decimal_places=2, max_digits=14, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('5000000'))], verbose_name='minimum'),
        ),
        migrations.AlterField(
            model_name='historicaldecision',
            name='detail',
            field=models.TextField(blank=True, max_length=4000, validators=[django.core.validators.MaxLengthValidator(4000)], verbose_name='detail'),
        ),
        migrations.AlterField(
            model_name='historicaldecision',
            name='kind',
            field=models.CharField(choices=portal.registry.decision_kind_choices, max_length=32, verbose_name='kind'),
        ),
        migrations.AlterField(
            model_name='historicaldecision',
            name='note',
            field=models.TextField(blank=True, max_length=4000, validators=[django.core.validators.MaxLengthValidator(4000)], verbose_name='note'),
        ),
        migrations.AlterField(
            model_name='historicalhiringplan',
            name='approved_budget',
            field=models.DecimalField(decimal_places=2, max_digits=14, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('999999999999.99'))], verbose_name='approved budget'),
        ),
        migrations.AlterField(
            model_name='historicalhiringplan',
            name='approved_headcount',
            field=models.PositiveIntegerField(validators=[django.core.validators.MaxValueValidator(10000)], verbose_name='approved headcount'),
        ),
        migrations.AlterField(
            model_name='historicalhiringplan',
            name='notes',
            field=models.TextField(blank=True, max_length=4000, validators=[django.core.validators.MaxLengthValidator(4000)], verbose_name='notes'),
        ),
        migrations.CreateModel(
            name='ApprovalChain',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('policy', models.CharField(choices=portal.registry.policy_choices, max_length=40, verbose_name='policy')),
                ('subject_id', models.PositiveBigIntegerField()),
                ('round', models.PositiveSmallIntegerField(verbose_name='round')),
                ('status', models.CharField(choices=[('open', 'In approval'), ('approved', 'Approved'), ('rejected', 'Rejected'), ('sent_back', 'Sent back'), ('cancelled', 'Cancelled')], default='open', max_length=12, verbose_name='status')),
                ('submitted_at', models.DateTimeField(verbose_name='submitted')),
                ('closed_at', models.DateTimeField(blank=True, null=True, verbose_name='closed')),
                ('subject_type', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to='contenttypes.contenttype')),
                ('submitted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['subject_type', 'subject_id', 'round'],
            },
        ),
        migrations.CreateModel(
            name='ApprovalRule',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('policy', models.CharField(choices=portal.registry.policy_choices, max_length=40, verbose_name='policy')),
                ('name', models.CharField(max_length=120, verbose_name='name')),
                ('position', models.PositiveSmallIntegerField(help_text='Rules are evaluated in this order.', verbose_name='position')),
                ('is_active', models.BooleanField(default=True, verbose_name='active')),
                ('condition', models.CharField(choices=[('always', 'Always'), ('flag', 'The fact holds'), ('over', 'The fact is over the threshold'), ('one_of', 'The fact is one of the values')], max_length=20, verbose_name='condition')),
                ('fact', models.CharField(blank=True, choices=portal.registry.fact_choices, help_text='Empty for “Always”.', max_length=40, verbose_name='fact')),
                ('threshold', models.DecimalField(blank=True, decimal_places=2, help_text='For amounts: over this.', max_digits=14, null=True, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('999999999999.99'))], verbose_name='threshold')),
                ('values', models.CharField(blank=True, help_text='For lists: comma-separated codes, e.g. contract,intern.', max_length=200, verbose_name='values')),
                ('approver', models.CharField(choices=portal.registry.approver_choices, max_length=40, verbose_name='approver')),
                ('approver_role', models.CharField(blank=True, choices=[('recruiter', 'Recruiter'), ('hiring_manager', 'Hiring manager'), ('interviewer', 'Interviewer'), ('finance', 'Finance'), ('hr', 'HR'), ('admin', 'Admin')], max_length=20, verbose_name='approving role')),
                ('step', models.PositiveSmallIntegerField(default=1, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(20)], verbose_name='step')),
                ('sla_business_days', models.PositiveSmallIntegerField(default=2, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(30)], verbose_name='SLA (business days)')),
                ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='named approver')),
            ],
            options={
                'ordering': ['policy', 'position', 'id'],
            },
        ),
        migrations.CreateModel(
            name='ApprovalStep',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('step', models.PositiveSmallIntegerField()),
                ('approver_role', models.CharField(blank=True, choices=[('recruiter', 'Recruiter'), ('hiring_manager', 'Hiring manager'), ('interviewer', 'Interviewer'), ('finance', 'Finance'), ('hr', 'HR'), ('admin', 'Admin')], max_length=20)),
                ('authority', models.CharField(blank=True, choices=[('recruiter', 'Recruiter'), ('hiring_manager', 'Hiring manager'), ('interviewer', 'Interviewer'), ('finance', 'Finance'), ('hr', 'HR'), ('admin', 'Admin')], max_length=20)),
                ('reason', models.CharField(max_length=500)),
                ('sla_business_days', models.PositiveSmallIntegerField(default=2)),
                ('approver', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('chain', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='steps', to='portal.approvalchain')),
                ('decision', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='approval_step', to='portal.decision')),
            ],
            options={
                'ordering': ['chain', 'step', 'id'],
            },
        ),
        migrations.CreateModel(
            name='CostEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('category', models.CharField(choices=[('base_salary', 'Base salary'), ('bonus', 'Bonus'), ('benefits', 'Benefits'), ('signing_bonus', 'Signing bonus'), ('relocation', 'Relocation'), ('agency_fee', 'Agency fee'), ('contractor_labour', 'Contractor labour'), ('equipment', 'Equipment'), ('background_check', 'Background check'), ('other', 'Other')], max_length=20, verbose_name='category')),
                ('kind', models.CharField(choices=[('forecast', 'Forecast'), ('committed', 'Committed'), ('actual', 'Actual')], max_length=10, verbose_name='kind')),
                ('amount', models.DecimalField(decimal_places=2, max_digits=14, validators=[django.core.validators.MinValueValidator(Decimal('-999999999999.99')), django.core.validators.MaxValueValidator(Decimal('999999999999.99'))], verbose_name='amount')),
                ('currency', models.CharField(choices=[('CAD', 'Canadian dollar'), ('USD', 'US dollar')], max_length=3, verbose_name='currency')),
                ('month', models.DateField(help_text='The first day of the month the money falls in.', verbose_name='month')),
                ('source_id', models.PositiveBigIntegerField(blank=True, null=True)),
                ('memo', models.CharField(blank=True, max_length=300, verbose_name='memo')),
                ('recorded_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='recorded')),
                ('cost_center', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to='portal.costcenter', verbose_name='cost center')),
                ('need', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='cost_events', to='requisitions.requisition', verbose_name='need')),
                ('recorded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('reverses', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='reversal', to='portal.costevent', verbose_name='reverses')),
                ('source_type', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='contenttypes.contenttype')),
            ],
            options={
                'verbose_name': 'cost event',
                'ordering': ['month', 'cost_center', 'id'],
            },
        ),
        migrations.CreateModel(
            name='HistoricalApprovalRule',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('policy', models.CharField(choices=portal.registry.policy_choices, max_length=40, verbose_name='policy')),
                ('name', models.CharField(max_length=120, verbose_name='name')),
                ('position', models.PositiveSmallIntegerField(help_text='Rules are evaluated in this order.', verbose_name='position')),
                ('is_active', models.BooleanField(default=True, verbose_name='active')),
                ('condition', models.CharField(choices=[('always', 'Always'), ('flag', 'The fact holds'), ('over', 'The fact is over the threshold'), ('one_of', 'The fact is one of the values')], max_length=20, verbose_name='condition')),
                ('fact', models.CharField(blank=True, choices=portal.registry.fact_choices, help_text='Empty for “Always”.', max_length=40, verbose_name='fact')),
                ('threshold', models.DecimalField(blank=True, decimal_places=2, help_text='For amounts: over this.', max_digits=14, null=True, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('999999999999.99'))], verbose_name='threshold')),
                ('values', models.CharField(blank=True, help_text='For lists: comma-separated codes, e.g. contract,intern.', max_length=200, verbose_name='values')),
                ('approver', models.CharField(choices=portal.registry.approver_choices, max_length=40, verbose_name='approver')),
                ('approver_role', models.CharField(blank=True, choices=[('recruiter', 'Recruiter'), ('hiring_manager', 'Hiring manager'), ('interviewer', 'Interviewer'), ('finance', 'Finance'), ('hr', 'HR'), ('admin', 'Admin')], max_length=20, verbose_name='approving role')),
                ('step', models.PositiveSmallIntegerField(default=1, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(20)], verbose_name='step')),
                ('sla_business_days', models.PositiveSmallIntegerField(default=2, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(30)], verbose_name='SLA (business days)')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('user', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='named approver')),
            ],
            options={
                'verbose_name': 'historical approval rule',
                'verbose_name_plural': 'historical approval rules',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalCostEvent',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('category', models.CharField(choices=[('base_salary', 'Base salary'), ('bonus', 'Bonus'), ('benefits', 'Benefits'), ('signing_bonus', 'Signing bonus'), ('relocation', 'Relocation'), ('agency_fee', 'Agency fee'), ('contractor_labour', 'Contractor labour'), ('equipment', 'Equipment'), ('background_check', 'Background check'), ('other', 'Other')], max_length=20, verbose_name='category')),
                ('kind', models.CharField(choices=[('forecast', 'Forecast'), ('committed', 'Committed'), ('actual', 'Actual')], max_length=10, verbose_name='kind')),
                ('amount', models.DecimalField(decimal_places=2, max_digits=14, validators=[django.core.validators.MinValueValidator(Decimal('-999999999999.99')), django.core.validators.MaxValueValidator(Decimal('999999999999.99'))], verbose_name='amount')),
                ('currency', models.CharField(choices=[('CAD', 'Canadian dollar'), ('USD', 'US dollar')], max_length=3, verbose_name='currency')),
                ('month', models.DateField(help_text='The first day of the month the money falls in.', verbose_name='month')),
                ('source_id', models.PositiveBigIntegerField(blank=True, null=True)),
                ('memo', models.CharField(blank=True, max_length=300, verbose_name='memo')),
                ('recorded_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='recorded')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('cost_center', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='portal.costcenter', verbose_name='cost center')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('need', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='requisitions.requisition', verbose_name='need')),
                ('recorded_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('reverses', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='portal.costevent', verbose_name='reverses')),
                ('source_type', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='contenttypes.contenttype')),
            ],
            options={
                'verbose_name': 'historical cost event',
                'verbose_name_plural': 'historical cost events',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AddConstraint(
            model_name='approvalchain',
            constraint=models.UniqueConstraint(fields=('subject_type', 'subject_id', 'round'), name='chain_one_per_round'),
        ),
        migrations.AddConstraint(
            model_name='approvalchain',
            constraint=models.UniqueConstraint(condition=models.Q(('status', 'open')), fields=('subject_type', 'subject_id'), name='chain_one_open_per_subject'),
        ),
        migrations.AddConstraint(
            model_name='approvalrule',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('condition', 'over'), _negated=True), ('threshold__isnull', False), _connector='OR'), name='rule_threshold_when_over', violation_error_message='An “over” condition needs a threshold.'),
        ),
        migrations.AddConstraint(
            model_name='approvalrule',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('approver', 'user'), _negated=True), ('user__isnull', False), _connector='OR'), name='rule_user_when_named', violation_error_message='Choose the named approver.'),
        ),
        migrations.AddConstraint(
            model_name='approvalrule',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('approver', 'role'), _negated=True), models.Q(('approver_role', ''), _negated=True), _connector='OR'), name='rule_role_when_role', violation_error_message='Choose the approving role.'),
        ),
        migrations.AddConstraint(
            model_name='approvalstep',
            constraint=models.CheckConstraint(condition=models.Q(('approver__isnull', False), models.Q(('approver_role', ''), _negated=True), _connector='OR'), name='chain_step_has_approver'),
        ),
        migrations.AddIndex(
            model_name='costevent',
            index=models.Index(fields=['currency', 'month', 'cost_center', 'kind'], name='costevent_grid'),
        ),
        migrations.AddIndex(
            model_name='costevent',
            index=models.Index(fields=['source_type', 'source_id'], name='costevent_source'),
        ),
        migrations.AddConstraint(
            model_name='costevent',
            constraint=models.CheckConstraint(condition=models.Q(('month__day', 1)), name='costevent_month_is_first_day'),
        ),
        migrations.AddConstraint(
            model_name='costevent',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('source_id__isnull', True), ('source_type__isnull', True)), models.Q(('source_id__isnull', False), ('source_type__isnull', False)), _connector='OR'), name='costevent_source_complete'),
        ),
    ]
