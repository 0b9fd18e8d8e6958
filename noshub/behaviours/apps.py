from django.apps import AppConfig


class BehavioursConfig(AppConfig):
    name = "noshub.behaviours"
    verbose_name = "Behaviours: a catalogue of work behaviours found in NOS"
