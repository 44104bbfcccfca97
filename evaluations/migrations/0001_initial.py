"""The evaluation models move from `workshops` to this app without touching a row.

Here the models enter this app's migration state while their tables keep their old names (no SQL);
`workshops` 0009 then drops them from its own state (no SQL either); 0002 renames the tables and moves the
content types, so the permissions granted to the groups stay with the models."""

import django.core.validators
import django.db.models.deletion
import modelcluster.fields
import uuid
from django.db import migrations, models

STATE = [
    migrations.CreateModel(
        name='EvaluationAnswer',
        fields=[
            ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
            ('via', models.CharField(choices=[('personal', 'personal link'), ('room', 'session link in the room')], default='personal', max_length=10, verbose_name='answered via')),
            ('language', models.CharField(default='nl', max_length=2, verbose_name='language')),
            ('edit_key_hash', models.CharField(editable=False, help_text='SHA-256 of a random key only the participant holds; it says nothing about who they are.', max_length=64, unique=True, verbose_name='edit key hash')),
            ('respondent_name', models.CharField(blank=True, max_length=200, verbose_name='name (only if the participant chose to add it)')),
            ('new_insights', models.TextField(blank=True, verbose_name='new insights')),
            ('learned', models.TextField(blank=True, verbose_name='what we learn from this')),
            ('needs', models.TextField(blank=True, verbose_name='what we need to put it into practice')),
            ('rating_session', models.PositiveSmallIntegerField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(5)], verbose_name='rating of the session')),
            ('rating_material', models.PositiveSmallIntegerField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(5)], verbose_name='rating of the preparation material')),
            ('did_homework', models.CharField(blank=True, choices=[('yes', 'yes'), ('partly', 'partly'), ('no', 'no')], max_length=6, verbose_name='did the homework')),
            ('comment', models.TextField(blank=True, verbose_name='comment')),
            ('session', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='evaluation_answers', to='workshops.session', verbose_name='session')),
        ],
        options={
            'db_table': 'workshops_evaluationanswer',
            'verbose_name': 'evaluation answer',
            'verbose_name_plural': 'evaluation answers',
        },
    ),
    migrations.CreateModel(
        name='EvaluationAction',
        fields=[
            ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
            ('text', models.CharField(max_length=300, verbose_name='action')),
            ('owner', models.CharField(blank=True, max_length=200, verbose_name='who')),
            ('due_date', models.DateField(blank=True, null=True, verbose_name='when')),
            ('position', models.PositiveSmallIntegerField(default=0)),
            ('answer', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='actions', to='evaluations.evaluationanswer')),
        ],
        options={
            'db_table': 'workshops_evaluationaction',
            'verbose_name': 'action',
            'verbose_name_plural': 'actions',
            'ordering': ['position'],
        },
    ),
    migrations.CreateModel(
        name='EvaluationFactor',
        fields=[
            ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
            ('column', models.CharField(choices=[('professional', 'Actions, approach and qualities of the professional'), ('environment', 'Environmental factors that help'), ('victim', 'What the victim needs in support and help')], max_length=16, verbose_name='column')),
            ('text', models.CharField(max_length=200, verbose_name='success factor')),
            ('normalised', models.CharField(editable=False, max_length=208, verbose_name='normalised')),
            ('suggestion', models.CharField(blank=True, max_length=40, verbose_name='cheat-sheet suggestion')),
            ('position', models.PositiveSmallIntegerField(default=0)),
            ('answer', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='factors', to='evaluations.evaluationanswer')),
        ],
        options={
            'db_table': 'workshops_evaluationfactor',
            'verbose_name': 'success factor',
            'verbose_name_plural': 'success factors',
            'ordering': ['column', 'position'],
        },
    ),
    migrations.CreateModel(
        name='EvaluationTopItem',
        fields=[
            ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
            ('rank', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(3)], verbose_name='rank')),
            ('text', models.CharField(max_length=200, verbose_name='success factor')),
            ('normalised', models.CharField(editable=False, max_length=208, verbose_name='normalised')),
            ('answer', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='top_items', to='evaluations.evaluationanswer')),
        ],
        options={
            'db_table': 'workshops_evaluationtopitem',
            'verbose_name': 'top-three item',
            'verbose_name_plural': 'top-three items',
            'ordering': ['rank'],
        },
    ),
    migrations.CreateModel(
        name='GroupResult',
        fields=[
            ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
            ('notes', models.TextField(blank=True, verbose_name='notes')),
            ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
            ('session', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='evaluation_group_result', to='workshops.session', verbose_name='session')),
        ],
        options={
            'db_table': 'workshops_groupresult',
            'verbose_name': 'group result',
            'verbose_name_plural': 'group results',
        },
    ),
    migrations.CreateModel(
        name='GroupFactor',
        fields=[
            ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
            ('sort_order', models.IntegerField(blank=True, editable=False, null=True)),
            ('column', models.CharField(choices=[('professional', 'Actions, approach and qualities of the professional'), ('environment', 'Environmental factors that help'), ('victim', 'What the victim needs in support and help')], max_length=16, verbose_name='column')),
            ('text', models.CharField(max_length=200, verbose_name='success factor')),
            ('normalised', models.CharField(editable=False, max_length=208)),
            ('result', modelcluster.fields.ParentalKey(on_delete=django.db.models.deletion.CASCADE, related_name='factors', to='evaluations.groupresult')),
        ],
        options={
            'db_table': 'workshops_groupfactor',
            'verbose_name': 'group success factor',
            'verbose_name_plural': 'group success factors',
            'ordering': ['sort_order'],
            'abstract': False,
        },
    ),
    migrations.CreateModel(
        name='GroupAction',
        fields=[
            ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
            ('sort_order', models.IntegerField(blank=True, editable=False, null=True)),
            ('text', models.CharField(max_length=300, verbose_name='action')),
            ('owner', models.CharField(blank=True, max_length=200, verbose_name='who')),
            ('due_date', models.DateField(blank=True, null=True, verbose_name='when')),
            ('result', modelcluster.fields.ParentalKey(on_delete=django.db.models.deletion.CASCADE, related_name='actions', to='evaluations.groupresult')),
        ],
        options={
            'db_table': 'workshops_groupaction',
            'verbose_name': 'group action',
            'verbose_name_plural': 'group actions',
            'ordering': ['sort_order'],
            'abstract': False,
        },
    ),
    migrations.CreateModel(
        name='GroupTopItem',
        fields=[
            ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
            ('sort_order', models.IntegerField(blank=True, editable=False, null=True)),
            ('text', models.CharField(max_length=200, verbose_name='success factor')),
            ('result', modelcluster.fields.ParentalKey(on_delete=django.db.models.deletion.CASCADE, related_name='top_items', to='evaluations.groupresult')),
        ],
        options={
            'db_table': 'workshops_grouptopitem',
            'verbose_name': 'group top-three item',
            'verbose_name_plural': 'group top-three items',
            'ordering': ['sort_order'],
            'abstract': False,
        },
    ),
    migrations.AddConstraint(
        model_name='evaluationanswer',
        constraint=models.CheckConstraint(condition=models.Q(('rating_session__isnull', True), models.Q(('rating_session__gte', 1), ('rating_session__lte', 5)), _connector='OR'), name='evaluation_rating_session_1_to_5'),
    ),
    migrations.AddConstraint(
        model_name='evaluationanswer',
        constraint=models.CheckConstraint(condition=models.Q(('rating_material__isnull', True), models.Q(('rating_material__gte', 1), ('rating_material__lte', 5)), _connector='OR'), name='evaluation_rating_material_1_to_5'),
    ),
    migrations.AddIndex(
        model_name='evaluationfactor',
        index=models.Index(fields=['column', 'normalised'], name='evaluation_factor_norm_idx'),
    ),
    migrations.AddConstraint(
        model_name='evaluationfactor',
        constraint=models.UniqueConstraint(fields=('answer', 'column', 'normalised'), name='evaluation_factor_once'),
    ),
    migrations.AddConstraint(
        model_name='evaluationtopitem',
        constraint=models.UniqueConstraint(fields=('answer', 'rank'), name='evaluation_top_rank_once'),
    ),
    migrations.AddConstraint(
        model_name='evaluationtopitem',
        constraint=models.CheckConstraint(condition=models.Q(('rank__gte', 1), ('rank__lte', 3)), name='evaluation_top_rank_1_to_3'),
    ),
]


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("workshops", "0008_registration_no_pending"),
    ]

    operations = [migrations.SeparateDatabaseAndState(state_operations=STATE)]
