import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('catalog', '0002_curator_accounts'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Campaign',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=120, verbose_name='name')),
                ('purpose', models.CharField(choices=[('specials', 'specials'), ('surveys', 'surveys'), ('products', 'new products and services')], max_length=12, verbose_name='kind of mail')),
                ('subject_en', models.CharField(max_length=150, verbose_name='subject (English)')),
                ('body_en', models.TextField(verbose_name='text (English)')),
                ('subject_nl', models.CharField(max_length=150, verbose_name='subject (Dutch)')),
                ('body_nl', models.TextField(verbose_name='text (Dutch)')),
                ('status', models.CharField(choices=[('draft', 'draft'), ('scheduled', 'scheduled'), ('sending', 'sending'), ('sent', 'sent')], default='draft', max_length=10, verbose_name='status')),
                ('send_at', models.DateTimeField(blank=True, null=True, verbose_name='send at')),
                ('lease_until', models.DateTimeField(blank=True, null=True, verbose_name='held by a sender until')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('started_at', models.DateTimeField(blank=True, null=True, verbose_name='started at')),
                ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='finished at')),
                ('cities', models.ManyToManyField(blank=True, related_name='+', to='catalog.city', verbose_name='cities')),
                ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='written by')),
            ],
            options={
                'verbose_name': 'campaign',
                'ordering': ['-created_at'],
            },
        ),
        migrations.CreateModel(
            name='Subscriber',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('email', models.EmailField(blank=True, max_length=254, verbose_name='confirmed address')),
                ('language', models.CharField(choices=[('en', 'English'), ('nl', 'Dutch')], default='en', max_length=2, verbose_name='language')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('city', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='catalog.city', verbose_name='city')),
                ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='subscriber', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'subscriber',
            },
        ),
        migrations.CreateModel(
            name='Delivery',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(choices=[('pending', 'waiting'), ('sent', 'sent'), ('skipped', 'not sent: no longer confirmed'), ('failed', 'refused by the mail server')], default='pending', max_length=8, verbose_name='status')),
                ('done_at', models.DateTimeField(blank=True, null=True, verbose_name='done at')),
                ('error', models.CharField(blank=True, max_length=200, verbose_name='error')),
                ('campaign', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='deliveries', to='outreach.campaign')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'delivery',
                'verbose_name_plural': 'deliveries',
                'indexes': [models.Index(fields=['campaign', 'status', 'id'], name='delivery_waiting')],
                'constraints': [models.UniqueConstraint(fields=('campaign', 'user'), name='delivery_once_per_user')],
            },
        ),
    ]
