from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('privacy', '0003_policy_version_1'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='marketingchoice',
            name='marketing_method_matches_choice',
        ),
        migrations.AddField(
            model_name='marketingchoice',
            name='purpose',
            field=models.CharField(choices=[('specials', 'specials'), ('surveys', 'surveys'), ('products', 'new products and services'), ('all', 'every kind of mail')], default='all', max_length=12, verbose_name='purpose'),
        ),
        migrations.AlterField(
            model_name='marketingchoice',
            name='method',
            field=models.CharField(choices=[('opt_in', 'opted in, not yet confirmed'), ('confirmed', 'confirmed from the address'), ('opt_out', 'opted out'), ('objection', 'objected to direct marketing'), ('unsubscribe', 'unsubscribed from a message'), ('bounced', 'the address bounced or complained')], max_length=16, verbose_name='how'),
        ),
        migrations.AddConstraint(
            model_name='marketingchoice',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('method__in', ['opt_in', 'confirmed']), ('subscribed', True)), models.Q(('method__in', ['opt_out', 'objection', 'unsubscribe', 'bounced']), ('subscribed', False)), _connector='OR'), name='marketing_method_matches_choice'),
        ),
        migrations.AddConstraint(
            model_name='marketingchoice',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('method__in', ['opt_in', 'confirmed']), ('purpose__in', ['specials', 'surveys', 'products'])), models.Q(('method', 'objection'), ('purpose', 'all')), ('method__in', ['opt_out', 'unsubscribe', 'bounced']), _connector='OR'), name='marketing_purpose_matches_method'),
        ),
    ]
