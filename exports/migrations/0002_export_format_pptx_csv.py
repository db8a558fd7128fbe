from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("exports", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="export",
            name="format",
            field=models.CharField(
                choices=[("pdf", "PDF"), ("png", "PNG"), ("pptx", "PPTX"), ("csv", "CSV")], max_length=4
            ),
        ),
    ]
