from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "noshub.search"
    verbose_name = "Search"

    def ready(self) -> None:
        from django.conf import settings
        from django.core.signals import request_finished
        from django.db.models.signals import post_save

        from noshub.catalogue.signals import standards_changed
        from noshub.core.search import embeddings

        from .querylog import flush_if_due
        from .services import reindex

        embeddings.use_folder(settings.CACHE_DIR)  # the ONNX copy that encodes queries is kept there

        def on_standards_changed(sender, standard_ids, **kwargs):
            reindex(standard_ids)

        def on_decision(sender, instance, **kwargs):
            # A duplicate decision can hide a NOS behind its original (or show it again).
            reindex({instance.standard_id})

        standards_changed.connect(on_standards_changed, dispatch_uid="search-reindex", weak=False)
        # Zero-result queries are written after responses, in one go (search.querylog).
        request_finished.connect(flush_if_due, dispatch_uid="search-querylog", weak=False)
        post_save.connect(on_decision, sender="cleansing.Decision", dispatch_uid="search-decision", weak=False)
