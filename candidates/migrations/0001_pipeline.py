# The candidate pipeline: vocabulary (stages, reason codes, sources), candidates, applications,
# append-only stage transitions and activities.

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('requisitions', '0008_delete_legacy_approvals'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Candidate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('first_name', models.CharField(max_length=80, verbose_name='first name')),
                ('last_name', models.CharField(max_length=80, verbose_name='last name')),
                ('email', models.EmailField(blank=True, max_length=254, verbose_name='email')),
                ('email_key', models.CharField(blank=True, db_index=True, editable=False, max_length=254)),
                ('phone', models.CharField(blank=True, max_length=40, verbose_name='phone')),
                ('phone_key', models.CharField(blank=True, db_index=True, editable=False, max_length=20)),
                ('city', models.CharField(blank=True, max_length=120, verbose_name='city')),
                ('work_eligibility', models.CharField(choices=[('unknown', 'Not stated'), ('citizen_or_pr', 'Citizen or permanent resident'), ('work_permit', 'Holds a work permit'), ('needs_sponsorship', 'Needs sponsorship')], default='unknown', max_length=20, verbose_name='work eligibility')),
                ('links', models.TextField(blank=True, help_text='One per line.', max_length=2000, validators=[django.core.validators.MaxLengthValidator(2000)], verbose_name='links')),
                ('tags', models.CharField(blank=True, help_text='Comma-separated.', max_length=200, verbose_name='tags')),
                ('consent_at', models.DateTimeField(blank=True, null=True, verbose_name='consent given')),
                ('retain_until', models.DateField(blank=True, null=True, verbose_name='retain until')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='created')),
                ('created_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('merged_into', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='merged', to='candidates.candidate')),
            ],
            options={
                'ordering': ['last_name', 'first_name', 'id'],
            },
        ),
        migrations.CreateModel(
            name='HistoricalCandidate',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('first_name', models.CharField(max_length=80, verbose_name='first name')),
                ('last_name', models.CharField(max_length=80, verbose_name='last name')),
                ('email', models.EmailField(blank=True, max_length=254, verbose_name='email')),
                ('email_key', models.CharField(blank=True, db_index=True, editable=False, max_length=254)),
                ('phone', models.CharField(blank=True, max_length=40, verbose_name='phone')),
                ('phone_key', models.CharField(blank=True, db_index=True, editable=False, max_length=20)),
                ('city', models.CharField(blank=True, max_length=120, verbose_name='city')),
                ('work_eligibility', models.CharField(choices=[('unknown', 'Not stated'), ('citizen_or_pr', 'Citizen or permanent resident'), ('work_permit', 'Holds a work permit'), ('needs_sponsorship', 'Needs sponsorship')], default='unknown', max_length=20, verbose_name='work eligibility')),
                ('links', models.TextField(blank=True, help_text='One per line.', max_length=2000, validators=[django.core.validators.MaxLengthValidator(2000)], verbose_name='links')),
                ('tags', models.CharField(blank=True, help_text='Comma-separated.', max_length=200, verbose_name='tags')),
                ('consent_at', models.DateTimeField(blank=True, null=True, verbose_name='consent given')),
                ('retain_until', models.DateField(blank=True, null=True, verbose_name='retain until')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='created')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('created_by', models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('merged_into', models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='candidates.candidate')),
            ],
            options={
                'verbose_name': 'historical candidate',
                'verbose_name_plural': 'historical candidates',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalReasonCode',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('code', models.SlugField(max_length=40, verbose_name='code')),
                ('label', models.CharField(max_length=80, verbose_name='label')),
                ('category', models.CharField(choices=[('we_rejected', 'We rejected'), ('they_withdrew', 'They withdrew'), ('no_show', 'No show')], max_length=16, verbose_name='category')),
                ('is_active', models.BooleanField(default=True, verbose_name='active')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical reason code',
                'verbose_name_plural': 'historical reason codes',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalStage',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('code', models.SlugField(max_length=40, verbose_name='code')),
                ('name', models.CharField(db_index=True, max_length=60, verbose_name='name')),
                ('definition', models.TextField(help_text='What being here means.', max_length=1000, validators=[django.core.validators.MaxLengthValidator(1000)], verbose_name='definition')),
                ('position', models.PositiveSmallIntegerField(help_text='Stages are shown in this order.', verbose_name='position')),
                ('sla_days', models.PositiveSmallIntegerField(default=7, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(180)], verbose_name='SLA (days)')),
                ('kind', models.CharField(choices=[('in_progress', 'In progress'), ('hired', 'Hired (the last stage)')], default='in_progress', max_length=12, verbose_name='kind')),
                ('is_active', models.BooleanField(default=True, verbose_name='active')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical stage',
                'verbose_name_plural': 'historical stages',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='ReasonCode',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.SlugField(max_length=40, unique=True, verbose_name='code')),
                ('label', models.CharField(max_length=80, verbose_name='label')),
                ('category', models.CharField(choices=[('we_rejected', 'We rejected'), ('they_withdrew', 'They withdrew'), ('no_show', 'No show')], max_length=16, verbose_name='category')),
                ('is_active', models.BooleanField(default=True, verbose_name='active')),
            ],
            options={
                'ordering': ['category', 'label'],
                'constraints': [models.UniqueConstraint(fields=('category', 'label'), name='reasoncode_label_unique_in_category')],
            },
        ),
        migrations.CreateModel(
            name='Source',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.SlugField(max_length=40, unique=True, verbose_name='code')),
                ('name', models.CharField(max_length=80, verbose_name='name')),
                ('kind', models.CharField(choices=[('direct', 'Direct'), ('referral', 'Referral'), ('job_board', 'Job board'), ('agency', 'Agency'), ('campus', 'Campus'), ('internal_mobility', 'Internal mobility')], max_length=20, verbose_name='kind')),
                ('is_active', models.BooleanField(default=True, verbose_name='active')),
                ('parent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='children', to='candidates.source', verbose_name='part of')),
            ],
            options={
                'ordering': ['kind', 'name'],
            },
        ),
        migrations.CreateModel(
            name='HistoricalSource',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('code', models.SlugField(max_length=40, verbose_name='code')),
                ('name', models.CharField(max_length=80, verbose_name='name')),
                ('kind', models.CharField(choices=[('direct', 'Direct'), ('referral', 'Referral'), ('job_board', 'Job board'), ('agency', 'Agency'), ('campus', 'Campus'), ('internal_mobility', 'Internal mobility')], max_length=20, verbose_name='kind')),
                ('is_active', models.BooleanField(default=True, verbose_name='active')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('parent', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='candidates.source', verbose_name='part of')),
            ],
            options={
                'verbose_name': 'historical source',
                'verbose_name_plural': 'historical sources',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='Stage',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.SlugField(max_length=40, unique=True, verbose_name='code')),
                ('name', models.CharField(max_length=60, unique=True, verbose_name='name')),
                ('definition', models.TextField(help_text='What being here means.', max_length=1000, validators=[django.core.validators.MaxLengthValidator(1000)], verbose_name='definition')),
                ('position', models.PositiveSmallIntegerField(help_text='Stages are shown in this order.', verbose_name='position')),
                ('sla_days', models.PositiveSmallIntegerField(default=7, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(180)], verbose_name='SLA (days)')),
                ('kind', models.CharField(choices=[('in_progress', 'In progress'), ('hired', 'Hired (the last stage)')], default='in_progress', max_length=12, verbose_name='kind')),
                ('is_active', models.BooleanField(default=True, verbose_name='active')),
            ],
            options={
                'ordering': ['position', 'id'],
                'constraints': [models.CheckConstraint(condition=models.Q(('definition', ''), _negated=True), name='stage_has_definition')],
            },
        ),
        migrations.CreateModel(
            name='HistoricalApplication',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('stage_entered_at', models.DateTimeField(verbose_name='in this stage since')),
                ('status', models.CharField(choices=[('active', 'Active'), ('hired', 'Hired'), ('rejected', 'Rejected'), ('withdrawn', 'Withdrawn')], default='active', max_length=10, verbose_name='status')),
                ('referrer', models.CharField(blank=True, max_length=120, verbose_name='referred by')),
                ('agency_name', models.CharField(blank=True, max_length=120, verbose_name='agency')),
                ('external_id', models.CharField(blank=True, help_text='From an ATS import.', max_length=120, verbose_name='external id')),
                ('applied_at', models.DateTimeField(verbose_name='applied')),
                ('last_activity_at', models.DateTimeField(verbose_name='last activity')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='created')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('candidate', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='candidates.candidate')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('owner', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='owner')),
                ('requisition', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='requisitions.requisition')),
                ('disposition', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='candidates.reasoncode', verbose_name='disposition')),
                ('source', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='candidates.source', verbose_name='source')),
                ('stage', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='candidates.stage')),
            ],
            options={
                'verbose_name': 'historical application',
                'verbose_name_plural': 'historical applications',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='Application',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('stage_entered_at', models.DateTimeField(verbose_name='in this stage since')),
                ('status', models.CharField(choices=[('active', 'Active'), ('hired', 'Hired'), ('rejected', 'Rejected'), ('withdrawn', 'Withdrawn')], default='active', max_length=10, verbose_name='status')),
                ('referrer', models.CharField(blank=True, max_length=120, verbose_name='referred by')),
                ('agency_name', models.CharField(blank=True, max_length=120, verbose_name='agency')),
                ('external_id', models.CharField(blank=True, help_text='From an ATS import.', max_length=120, verbose_name='external id')),
                ('applied_at', models.DateTimeField(verbose_name='applied')),
                ('last_activity_at', models.DateTimeField(verbose_name='last activity')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='created')),
                ('owner', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='applications_owned', to=settings.AUTH_USER_MODEL, verbose_name='owner')),
                ('requisition', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='applications', to='requisitions.requisition')),
                ('candidate', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='applications', to='candidates.candidate')),
                ('disposition', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='candidates.reasoncode', verbose_name='disposition')),
                ('source', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='candidates.source', verbose_name='source')),
                ('stage', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='candidates.stage')),
            ],
            options={
                'ordering': ['-last_activity_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='StageTransition',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(choices=[('active', 'Active'), ('hired', 'Hired'), ('rejected', 'Rejected'), ('withdrawn', 'Withdrawn')], max_length=10)),
                ('note', models.CharField(blank=True, max_length=500)),
                ('at', models.DateTimeField(default=django.utils.timezone.now)),
                ('application', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='transitions', to='candidates.application')),
                ('by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('from_stage', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='candidates.stage')),
                ('reason', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='candidates.reasoncode')),
                ('to_stage', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='candidates.stage')),
            ],
            options={
                'ordering': ['at', 'id'],
            },
        ),
        migrations.CreateModel(
            name='Activity',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('note', 'Note'), ('email', 'Email logged'), ('call', 'Call'), ('message', 'Message')], max_length=10)),
                ('body', models.TextField(max_length=4000, validators=[django.core.validators.MaxLengthValidator(4000)])),
                ('at', models.DateTimeField(default=django.utils.timezone.now)),
                ('by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('application', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='activities', to='candidates.application')),
            ],
            options={
                'verbose_name_plural': 'activities',
                'ordering': ['-at', '-id'],
                'indexes': [models.Index(fields=['application', 'at'], name='activity_application_at')],
            },
        ),
        migrations.AddConstraint(
            model_name='candidate',
            constraint=models.CheckConstraint(condition=models.Q(('merged_into', models.F('id')), _negated=True), name='candidate_not_merged_into_self'),
        ),
        migrations.AddIndex(
            model_name='application',
            index=models.Index(fields=['requisition', 'status', 'stage'], name='application_req_status_stage'),
        ),
        migrations.AddIndex(
            model_name='application',
            index=models.Index(fields=['owner', 'status', 'last_activity_at'], name='application_owner_activity'),
        ),
        migrations.AddIndex(
            model_name='application',
            index=models.Index(fields=['status', 'last_activity_at'], name='application_status_activity'),
        ),
        migrations.AddConstraint(
            model_name='application',
            constraint=models.UniqueConstraint(fields=('candidate', 'requisition'), name='application_one_per_requisition'),
        ),
        migrations.AddConstraint(
            model_name='application',
            constraint=models.UniqueConstraint(condition=models.Q(('external_id', ''), _negated=True), fields=('external_id',), name='application_external_id_unique'),
        ),
        migrations.AddConstraint(
            model_name='application',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['active', 'hired']), ('disposition__isnull', False), _connector='OR'), name='application_closed_with_a_reason', violation_error_message='A rejected or withdrawn application needs a reason code.'),
        ),
        migrations.AddIndex(
            model_name='stagetransition',
            index=models.Index(fields=['application', 'at'], name='transition_application_at'),
        ),
        migrations.AddIndex(
            model_name='stagetransition',
            index=models.Index(fields=['to_stage', 'at'], name='transition_stage_at'),
        ),
    ]
