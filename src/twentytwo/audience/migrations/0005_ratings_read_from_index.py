from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('audience', '0004_played_quarter_hours'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='listeningquarterhour',
            index=models.Index(fields=['city_id', 'local_date', 'local_minute', 'genre_id', 'track_id', 'counted_listening_seconds', 'session_starts', 'plays', 'ends', 'skips'], name='listeningqh_city_date_sums'),
        ),
        migrations.RemoveIndex(
            model_name='listeningquarterhour',
            name='listeningqh_city_date',
        ),
    ]
