"""The default APV checklist a kommune starts from (HR edits its own copy in the admin).

The areas follow Arbejdstilsynet's APV guidance (fysisk, ergonomisk, kemisk, biologisk, psykisk
arbejdsmiljø and ulykker); the wording is short so it also works as a survey question."""

from django.utils.translation import gettext_lazy as _

from .models import Area

DEFAULT_TEMPLATE_NAME = _("Standard-APV")

DEFAULT_CHECKLIST: list[tuple[str, object]] = [
    (Area.FYSISK, _("Støj og akustik i arbejdsrummene")),
    (Area.FYSISK, _("Indeklima: temperatur, træk og udluftning")),
    (Area.FYSISK, _("Belysning og dagslys")),
    (Area.FYSISK, _("Orden, ryddelighed og pladsforhold")),
    (Area.ERGONOMISK, _("Tunge løft, skub og træk")),
    (Area.ERGONOMISK, _("Arbejdsstillinger og ensidigt gentaget arbejde")),
    (Area.ERGONOMISK, _("Indretning af arbejdsplads og skærmarbejde")),
    (Area.ERGONOMISK, _("Hjælpemidler til forflytning og løft")),
    (Area.KEMISK, _("Rengørings- og desinfektionsmidler")),
    (Area.KEMISK, _("Andre kemiske stoffer og materialer (støv, dampe)")),
    (Area.BIOLOGISK, _("Smitterisiko (bakterier, virus, skimmel)")),
    (Area.BIOLOGISK, _("Kontakt med affald, kropsvæsker eller dyr")),
    (Area.PSYKISK, _("Arbejdsmængde og tidspres")),
    (Area.PSYKISK, _("Indflydelse på eget arbejde")),
    (Area.PSYKISK, _("Samarbejde, ledelse og støtte")),
    (Area.PSYKISK, _("Følelsesmæssige krav i arbejdet")),
    (Area.PSYKISK, _("Vold, trusler og krænkende handlinger (også fra tredjepart)")),
    (Area.PSYKISK, _("Mobning og chikane, herunder seksuel chikane")),
    (Area.ULYKKER, _("Risiko for fald, snublen og klemning")),
    (Area.ULYKKER, _("Maskiner, værktøj og tekniske hjælpemidler")),
    (Area.ULYKKER, _("Alenearbejde og kørsel i arbejdstiden")),
    (Area.ULYKKER, _("Beredskab: førstehjælp, brand og flugtveje")),
]
