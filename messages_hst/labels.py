"""The words of the plain-text rendering (HST.md §9) in the message's own language.

Officers read the rendering, so its section headings, field labels and fixed words (the banner,
the title, YES / NO, the route-leg sub-headings, END OF MESSAGE) are written in the language the
message declares in its envelope (`language`, ISO 639-1): English, French, Spanish or Arabic.
A message in any other language (or none) is rendered in English. The values are never
translated: codes stay codes (`INTERPOL_RESTRICTED`, `VICTIM`), dates stay ISO 8601, names stay
as typed; the structured JSON stays the contract between NCBs, the text is its reading copy.

The rendering depends on the message only, never on the language of the request being served
(hence plain data here, not gettext catalogues): a French message reads the same in every
officer's browser, in the gateway's drop folder and in the API.

English labels are derived from the keys (`family_name` -> `FAMILY NAME`); French, Spanish and
Arabic ones are written out below for every key of the schema, upper case where the script has
case, precomposed (no combining marks, so that a character is a column of the 80). A key that is
not in the table (extensions `x_...`, keys the schema does not know) keeps its derived English
form in every language.

Each language's labels are unambiguous: no two keys share a label, and a derived form of an
unknown key must not read as a label of another key. The second can only happen to a message
that is not schema-valid (the schema admits unknown keys only as `x_...`): such a message is
rendered with English labels (`vocabulary_for`), and its parser checks that choice the same way.

Pure Python, no Django.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# The form of a label derived from a key: `family_name` <-> `FAMILY NAME`.
LABEL = re.compile(r"[A-Z][A-Z0-9]*(?: [A-Z0-9]+)*")


def key_label(key: str) -> str:
    return key.upper().replace("_", " ")


def label_key(label: str) -> str:
    return label.lower().replace(" ", "_")


# The languages with written-out labels, in the order of the tables below; English is derived.
TRANSLATED = ("fr", "es", "ar")
DEFAULT_LANGUAGE = "en"

# key: (French, Spanish, Arabic). Every key of the schema, plus `envelope` (section 1).
LABELS: dict[str, tuple[str, str, str]] = {
    # Sections and the envelope.
    "envelope": ("EN-TÊTE", "ENCABEZAMIENTO", "رأس الرسالة"),
    "hst_version": ("VERSION HST", "VERSIÓN HST", "إصدار HST"),
    "codelists_version": (
        "VERSION DES LISTES DE CODES",
        "VERSIÓN DE LAS LISTAS DE CÓDIGOS",
        "إصدار قوائم الرموز",
    ),
    "message_id": ("IDENTIFIANT DU MESSAGE", "IDENTIFICADOR DEL MENSAJE", "معرف الرسالة"),
    "message_type": ("TYPE DE MESSAGE", "TIPO DE MENSAJE", "نوع الرسالة"),
    "created_at": ("DATE DE CRÉATION", "FECHA DE CREACIÓN", "تاريخ الإنشاء"),
    "priority": ("PRIORITÉ", "PRIORIDAD", "الأولوية"),
    "sender": ("EXPÉDITEUR", "REMITENTE", "المرسل"),
    "ncb_code": ("CODE DU BCN", "CÓDIGO DE LA OCN", "رمز المكتب المركزي الوطني"),
    "ncb_name": ("NOM DU BCN", "NOMBRE DE LA OCN", "اسم المكتب المركزي الوطني"),
    "country": ("PAYS", "PAÍS", "البلد"),
    "unit": ("SERVICE", "UNIDAD", "الوحدة"),
    "originating_authority": ("AUTORITÉ D'ORIGINE", "AUTORIDAD DE ORIGEN", "الجهة المصدرة"),
    "name": ("NOM", "NOMBRE", "الاسم"),
    "national_ref": ("RÉFÉRENCE NATIONALE", "REFERENCIA NACIONAL", "المرجع الوطني"),
    "recipients": ("DESTINATAIRES", "DESTINATARIOS", "المرسل إليهم"),
    "role": ("RÔLE", "FUNCIÓN", "الدور"),
    "subject": ("OBJET", "ASUNTO", "الموضوع"),
    "language": ("LANGUE", "IDIOMA", "اللغة"),
    "case": ("AFFAIRE", "CASO", "القضية"),
    "hst_case_id": (
        "IDENTIFIANT HST DE L'AFFAIRE",
        "IDENTIFICADOR HST DEL CASO",
        "معرف القضية في HST",
    ),
    "sender_case_ref": (
        "RÉFÉRENCE DE L'EXPÉDITEUR",
        "REFERENCIA DEL REMITENTE",
        "مرجع القضية لدى المرسل",
    ),
    "thread": ("FIL DES MESSAGES", "HILO DE MENSAJES", "سلسلة الرسائل"),
    "in_reply_to": ("EN RÉPONSE À", "EN RESPUESTA A", "ردا على"),
    "references": ("RÉFÉRENCES", "REFERENCIAS", "المراجع"),
    "supersedes": ("REMPLACE", "SUSTITUYE A", "يحل محل"),
    "sequence_no": ("NUMÉRO D'ORDRE", "NÚMERO DE SECUENCIA", "الرقم التسلسلي"),
    "related_interpol_refs": (
        "RÉFÉRENCES INTERPOL LIÉES",
        "REFERENCIAS DE INTERPOL RELACIONADAS",
        "مراجع الإنتربول ذات الصلة",
    ),
    "kind": ("TYPE", "TIPO", "النوع"),
    "number": ("NUMÉRO", "NÚMERO", "الرقم"),
    "response_due": ("DATE LIMITE DE RÉPONSE", "FECHA LÍMITE DE RESPUESTA", "موعد الرد"),
    "handling": ("CONDITIONS DE TRAITEMENT", "CONDICIONES DE TRATAMIENTO", "شروط التداول"),
    "body": ("CORPS DU MESSAGE", "CUERPO DEL MENSAJE", "متن الرسالة"),
    "signature": ("SIGNATURE", "FIRMA", "التوقيع"),
    "alg": ("ALGORITHME", "ALGORITMO", "الخوارزمية"),
    "kid": ("IDENTIFIANT DE CLÉ", "IDENTIFICADOR DE CLAVE", "معرف المفتاح"),
    "value": ("VALEUR", "VALOR", "القيمة"),
    # Handling (HST.md §3).
    "confidentiality_level": (
        "NIVEAU DE CONFIDENTIALITÉ",
        "NIVEL DE CONFIDENCIALIDAD",
        "مستوى السرية",
    ),
    "dissemination": ("DIFFUSION", "DIFUSIÓN", "نطاق التوزيع"),
    "handling_codes": ("CODES DE TRAITEMENT", "CÓDIGOS DE TRATAMIENTO", "رموز التداول"),
    "h3_text": ("TEXTE H3", "TEXTO H3", "نص H3"),
    "permitted_actions": ("ACTIONS AUTORISÉES", "ACCIONES AUTORIZADAS", "الإجراءات المسموح بها"),
    "access_restrictions": ("RESTRICTIONS D'ACCÈS", "RESTRICCIONES DE ACCESO", "قيود الوصول"),
    "deny": ("ACCÈS REFUSÉ À", "ACCESO DENEGADO A", "يحظر على"),
    "allow_only": ("ACCÈS RÉSERVÉ À", "ACCESO RESERVADO A", "يقتصر على"),
    "purpose": ("FINALITÉS DU TRAITEMENT", "FINALIDADES DEL TRATAMIENTO", "أغراض المعالجة"),
    "retention": ("CONSERVATION", "CONSERVACIÓN", "الاحتفاظ بالبيانات"),
    "review_on": ("DATE DE RÉEXAMEN", "FECHA DE REVISIÓN", "تاريخ المراجعة"),
    "source_reliability": ("FIABILITÉ DE LA SOURCE", "FIABILIDAD DE LA FUENTE", "موثوقية المصدر"),
    "information_accuracy": (
        "EXACTITUDE DE L'INFORMATION",
        "EXACTITUD DE LA INFORMACIÓN",
        "دقة المعلومات",
    ),
    "victim_data_present": (
        "DONNÉES DE VICTIMES PRÉSENTES",
        "CONTIENE DATOS DE VÍCTIMAS",
        "يتضمن بيانات ضحايا",
    ),
    "minor_data_present": (
        "DONNÉES DE MINEURS PRÉSENTES",
        "CONTIENE DATOS DE MENORES",
        "يتضمن بيانات قاصرين",
    ),
    # Case summary.
    "case_summary": ("RÉSUMÉ DE L'AFFAIRE", "RESUMEN DEL CASO", "ملخص القضية"),
    "offence_type": ("NATURE DE L'INFRACTION", "TIPO DE DELITO", "نوع الجريمة"),
    "related_offences": ("INFRACTIONS CONNEXES", "DELITOS CONEXOS", "الجرائم المرتبطة"),
    "summary": ("RÉSUMÉ", "RESUMEN", "الملخص"),
    "period": ("PÉRIODE", "PERÍODO", "الفترة"),
    "from": ("DU", "DESDE", "من"),
    "to": ("AU", "HASTA", "إلى"),
    "status_of_investigation": (
        "STADE DE L'ENQUÊTE",
        "ESTADO DE LA INVESTIGACIÓN",
        "مرحلة التحقيق",
    ),
    "counts": ("DÉNOMBREMENT", "CIFRAS", "الأعداد"),
    "victims": ("VICTIMES", "VÍCTIMAS", "الضحايا"),
    "minors": ("MINEURS", "MENORES", "القاصرون"),
    "suspects": ("SUSPECTS", "SOSPECHOSOS", "المشتبه بهم"),
    "arrests": ("INTERPELLATIONS", "DETENCIONES", "حالات التوقيف"),
    "migrants": ("MIGRANTS", "MIGRANTES", "المهاجرون"),
    "palermo_elements": (
        "ÉLÉMENTS DU PROTOCOLE DE PALERME",
        "ELEMENTOS DEL PROTOCOLO DE PALERMO",
        "عناصر بروتوكول باليرمو",
    ),
    "acts": ("ACTES", "ACTOS", "الأفعال"),
    "means": ("MOYENS", "MEDIOS", "الوسائل"),
    "purposes": ("FINS D'EXPLOITATION", "FINES DE EXPLOTACIÓN", "أغراض الاستغلال"),
    # Persons.
    "persons": ("PERSONNES", "PERSONAS", "الأشخاص"),
    "ref": ("RÉFÉRENCE", "REFERENCIA", "المرجع"),
    "family_name": ("NOM DE FAMILLE", "APELLIDOS", "اسم العائلة"),
    "forenames": ("PRÉNOMS", "NOMBRE DE PILA", "الاسم الأول"),
    "name_original_script": (
        "NOM EN ÉCRITURE D'ORIGINE",
        "NOMBRE EN ESCRITURA ORIGINAL",
        "الاسم بالخط الأصلي",
    ),
    "aliases": ("ALIAS", "ALIAS", "الأسماء المستعارة"),
    "sex": ("SEXE", "SEXO", "الجنس"),
    "date_of_birth": ("DATE DE NAISSANCE", "FECHA DE NACIMIENTO", "تاريخ الميلاد"),
    "place_of_birth": ("LIEU DE NAISSANCE", "LUGAR DE NACIMIENTO", "مكان الميلاد"),
    "country_of_birth": ("PAYS DE NAISSANCE", "PAÍS DE NACIMIENTO", "بلد الميلاد"),
    "nationalities": ("NATIONALITÉS", "NACIONALIDADES", "الجنسيات"),
    "status": ("QUALITÉ", "CONDICIÓN", "الصفة"),
    "roles_in_process": (
        "RÔLES DANS LE PROCESSUS",
        "FUNCIONES EN EL PROCESO",
        "الأدوار في العملية",
    ),
    "victim_context": ("SITUATION DE LA VICTIME", "SITUACIÓN DE LA VÍCTIMA", "ظروف الضحية"),
    "recruitment_method": ("MODE DE RECRUTEMENT", "MÉTODO DE CAPTACIÓN", "أسلوب التجنيد"),
    "recruitment_platforms": (
        "PLATEFORMES DE RECRUTEMENT",
        "PLATAFORMAS DE CAPTACIÓN",
        "منصات التجنيد",
    ),
    "means_of_control": ("MOYENS DE CONTRÔLE", "MEDIOS DE CONTROL", "وسائل السيطرة"),
    "relationship_to_trafficker": (
        "LIEN AVEC LE TRAFIQUANT",
        "RELACIÓN CON EL TRATANTE",
        "العلاقة بالمتاجر",
    ),
    "referred_to_support": (
        "ORIENTATION VERS L'ASSISTANCE",
        "DERIVACIÓN A ASISTENCIA",
        "الإحالة إلى الدعم",
    ),
    "age_at_exploitation": (
        "ÂGE LORS DE L'EXPLOITATION",
        "EDAD DURANTE LA EXPLOTACIÓN",
        "العمر وقت الاستغلال",
    ),
    "remarks": ("OBSERVATIONS", "OBSERVACIONES", "ملاحظات"),
    # Exploitation, locations, route.
    "exploitation": ("EXPLOITATION", "EXPLOTACIÓN", "الاستغلال"),
    "form": ("FORME D'EXPLOITATION", "FORMA DE EXPLOTACIÓN", "شكل الاستغلال"),
    "sector": ("SECTEUR", "SECTOR", "القطاع"),
    "location_ref": ("RÉFÉRENCE DU LIEU", "REFERENCIA DEL LUGAR", "مرجع المكان"),
    "exploiters": ("EXPLOITEURS", "EXPLOTADORES", "المستغلون"),
    "locations": ("LIEUX", "LUGARES", "الأماكن"),
    "place": ("LOCALITÉ", "LOCALIDAD", "المكان"),
    "route_legs": ("TRONÇONS DE L'ITINÉRAIRE", "TRAMOS DEL ITINERARIO", "مقاطع المسار"),
    "seq": ("ORDRE", "ORDEN", "الترتيب"),
    "stage": ("ÉTAPE", "ETAPA", "المرحلة"),
    "from_ref": ("LIEU DE DÉPART", "LUGAR DE SALIDA", "مكان الانطلاق"),
    "to_ref": ("LIEU D'ARRIVÉE", "LUGAR DE LLEGADA", "مكان الوصول"),
    "mode": ("MODE DE TRANSPORT", "MEDIO DE TRANSPORTE", "وسيلة النقل"),
    "border_crossing": ("FRANCHISSEMENT DE FRONTIÈRE", "CRUCE DE FRONTERA", "عبور الحدود"),
    "regular": ("RÉGULIER", "REGULAR", "نظامي"),
    "method": ("MÉTHODE", "MÉTODO", "الطريقة"),
    "departure_date": ("DATE DE DÉPART", "FECHA DE SALIDA", "تاريخ المغادرة"),
    "arrival_date": ("DATE D'ARRIVÉE", "FECHA DE LLEGADA", "تاريخ الوصول"),
    "vehicle_ref": ("RÉFÉRENCE DU VÉHICULE", "REFERENCIA DEL VEHÍCULO", "مرجع المركبة"),
    # Documents.
    "documents": ("DOCUMENTS", "DOCUMENTOS", "الوثائق"),
    "holder_ref": ("TITULAIRE", "TITULAR", "الحائز"),
    "doc_type": ("TYPE DE DOCUMENT", "TIPO DE DOCUMENTO", "نوع الوثيقة"),
    "issuing_state": ("ÉTAT DE DÉLIVRANCE", "ESTADO EXPEDIDOR", "دولة الإصدار"),
    "issue_date": ("DATE DE DÉLIVRANCE", "FECHA DE EXPEDICIÓN", "تاريخ الإصدار"),
    "expiry_date": ("DATE D'EXPIRATION", "FECHA DE CADUCIDAD", "تاريخ الانتهاء"),
    "authenticity": ("AUTHENTICITÉ", "AUTENTICIDAD", "صحة الوثيقة"),
    "mrz": ("ZLA", "ZLM", "منطقة القراءة الآلية"),
    "withheld_by_exploiter": (
        "CONFISQUÉ PAR L'EXPLOITEUR",
        "RETENIDO POR EL EXPLOTADOR",
        "محتجزة لدى المستغل",
    ),
    # Organisations, vehicles, communications, financial items.
    "organisations": ("ORGANISATIONS", "ORGANIZACIONES", "المنظمات"),
    "countries": ("PAYS D'ACTIVITÉ", "PAÍSES DE ACTIVIDAD", "بلدان النشاط"),
    "members": ("MEMBRES", "MIEMBROS", "الأعضاء"),
    "vehicles": ("VÉHICULES", "VEHÍCULOS", "المركبات"),
    "vehicle_type": ("TYPE DE VÉHICULE", "TIPO DE VEHÍCULO", "نوع المركبة"),
    "make": ("MARQUE", "MARCA", "العلامة التجارية"),
    "model": ("MODÈLE", "MODELO", "الطراز"),
    "colour": ("COULEUR", "COLOR", "اللون"),
    "registration": ("IMMATRICULATION", "MATRÍCULA", "رقم اللوحة"),
    "registration_country": ("PAYS D'IMMATRICULATION", "PAÍS DE MATRICULACIÓN", "بلد التسجيل"),
    "vin": ("NUMÉRO DE SÉRIE (VIN)", "NÚMERO DE BASTIDOR", "رقم الهيكل"),
    "comms": ("MOYENS DE COMMUNICATION", "MEDIOS DE COMUNICACIÓN", "وسائل الاتصال"),
    "platform": ("PLATEFORME", "PLATAFORMA", "المنصة"),
    "financial": ("ÉLÉMENTS FINANCIERS", "DATOS FINANCIEROS", "البيانات المالية"),
    "description": ("DESCRIPTION", "DESCRIPCIÓN", "الوصف"),
    "institution": ("ÉTABLISSEMENT FINANCIER", "ENTIDAD FINANCIERA", "المؤسسة المالية"),
    "account_identifier": ("IDENTIFIANT DU COMPTE", "IDENTIFICADOR DE LA CUENTA", "معرف الحساب"),
    "amount": ("MONTANT", "IMPORTE", "المبلغ"),
    "currency": ("DEVISE", "MONEDA", "العملة"),
    "date": ("DATE", "FECHA", "التاريخ"),
    "silver_notice_candidate": (
        "NOTICE ARGENT À ENVISAGER",
        "POSIBLE NOTIFICACIÓN PLATEADA",
        "مرشح لنشرة فضية",
    ),
    # Relationships, requests, attachments.
    "relationships": ("LIENS", "RELACIONES", "العلاقات"),
    "source_ref": ("ENTITÉ SOURCE", "ENTIDAD DE ORIGEN", "الطرف الأول"),
    "type": ("TYPE DE LIEN", "TIPO DE RELACIÓN", "نوع العلاقة"),
    "target_ref": ("ENTITÉ CIBLE", "ENTIDAD DE DESTINO", "الطرف الثاني"),
    "requests": ("DEMANDES", "SOLICITUDES", "الطلبات"),
    "action": ("MESURE DEMANDÉE", "DILIGENCIA SOLICITADA", "الإجراء المطلوب"),
    "target_refs": ("ENTITÉS VISÉES", "ENTIDADES AFECTADAS", "العناصر المعنية"),
    "justification": ("MOTIVATION", "JUSTIFICACIÓN", "المبررات"),
    "deadline": ("ÉCHÉANCE", "PLAZO", "المهلة"),
    "attachments": ("PIÈCES JOINTES", "ANEXOS", "المرفقات"),
    "id": ("IDENTIFIANT", "IDENTIFICADOR", "المعرف"),
    "filename": ("NOM DU FICHIER", "NOMBRE DEL ARCHIVO", "اسم الملف"),
    "media_type": ("TYPE DE CONTENU", "TIPO DE CONTENIDO", "نوع المحتوى"),
    "size": ("TAILLE", "TAMAÑO", "الحجم"),
    "sha256": ("EMPREINTE SHA-256", "HUELLA SHA-256", "بصمة SHA-256"),
    "entity_refs": ("ENTITÉS CONCERNÉES", "ENTIDADES RELACIONADAS", "العناصر المرتبطة"),
    "custody_ref": ("RÉFÉRENCE DU SCELLÉ", "REFERENCIA DE CUSTODIA", "مرجع العهدة"),
    # The bodies of REPLY, CANCEL, CLOSE, RECEIPT, RESPONSE and REMINDER.
    "outcomes": ("SUITES DONNÉES", "RESULTADOS", "النتائج"),
    "request_ref": ("RÉFÉRENCE DE LA DEMANDE", "REFERENCIA DE LA SOLICITUD", "مرجع الطلب"),
    "outcome": ("SUITE DONNÉE", "RESULTADO", "النتيجة"),
    "details": ("PRÉCISIONS", "DETALLES", "التفاصيل"),
    "cancellation": ("ANNULATION", "ANULACIÓN", "الإلغاء"),
    "instruction": ("INSTRUCTION", "INSTRUCCIÓN", "التعليمات"),
    "reason": ("MOTIF", "MOTIVO", "السبب"),
    "closure": ("CLÔTURE", "CIERRE", "الإغلاق"),
    "receipt": ("ACCUSÉ DE RÉCEPTION", "ACUSE DE RECIBO", "إشعار الاستلام"),
    "ref_message_id": ("MESSAGE CONCERNÉ", "MENSAJE DE REFERENCIA", "معرف الرسالة المعنية"),
    "received_digest": ("EMPREINTE REÇUE", "HUELLA RECIBIDA", "البصمة المستلمة"),
    "received_at": ("REÇU LE", "RECIBIDO EL", "تاريخ الاستلام"),
    "signature_valid": ("SIGNATURE VALIDE", "FIRMA VÁLIDA", "التوقيع صحيح"),
    "schema_valid": ("CONFORME AU SCHÉMA", "CONFORME AL ESQUEMA", "مطابق للمخطط"),
    "problems": ("ANOMALIES", "INCIDENCIAS", "المشكلات"),
    "path": ("EMPLACEMENT", "UBICACIÓN", "الموضع"),
    "code": ("CODE", "CÓDIGO", "الرمز"),
    "severity": ("GRAVITÉ", "GRAVEDAD", "درجة الخطورة"),
    "message": ("EXPLICATION", "EXPLICACIÓN", "الشرح"),
    "response": ("RÉPONSE", "RESPUESTA", "الرد"),
    "reason_codes": ("CODES DE MOTIF", "CÓDIGOS DE MOTIVO", "رموز الأسباب"),
    "comment": ("COMMENTAIRE", "COMENTARIO", "تعليق"),
    "reminder": ("RAPPEL", "RECORDATORIO", "التذكير"),
    "request_refs": ("DEMANDES CONCERNÉES", "SOLICITUDES AFECTADAS", "الطلبات المعنية"),
}

# The fixed words of the rendering: (English, French, Spanish, Arabic). The banner's words for
# the confidentiality levels and dissemination codes are keyed by the code.
WORDS: dict[str, tuple[str, str, str, str]] = {
    "title": (
        "HST FORMATTED MESSAGE",
        "MESSAGE FORMATÉ HST",
        "MENSAJE NORMALIZADO HST",
        "رسالة بنسق HST",
    ),
    "footer": ("END OF MESSAGE", "FIN DU MESSAGE", "FIN DEL MENSAJE", "نهاية الرسالة"),
    "yes": ("YES", "OUI", "SÍ", "نعم"),
    "no": ("NO", "NON", "NO", "لا"),
    "leg": ("LEG", "TRONÇON", "TRAMO", "المقطع"),
    "INTERPOL_FOR_OFFICIAL_USE_ONLY": (
        "INTERPOL FOR OFFICIAL USE ONLY",
        "INTERPOL À USAGE OFFICIEL",
        "INTERPOL SOLO USO OFICIAL",
        "الإنتربول للاستخدام الرسمي فقط",
    ),
    "INTERPOL_RESTRICTED": (
        "INTERPOL RESTRICTED",
        "INTERPOL RESTREINT",
        "INTERPOL RESTRINGIDO",
        "الإنتربول محدود التداول",
    ),
    "INTERPOL_CONFIDENTIAL": (
        "INTERPOL CONFIDENTIAL",
        "INTERPOL CONFIDENTIEL",
        "INTERPOL CONFIDENCIAL",
        "الإنتربول سري",
    ),
    "unmarked": ("UNMARKED", "SANS MARQUAGE", "SIN MARCADO", "بلا تصنيف"),
    "RECIPIENTS_ONLY": (
        "RECIPIENTS ONLY",
        "DESTINATAIRES UNIQUEMENT",
        "SOLO DESTINATARIOS",
        "المرسل إليهم فقط",
    ),
    "RECIPIENT_AGENCY": (
        "RECIPIENT AGENCY",
        "SERVICE DESTINATAIRE",
        "ORGANISMO DESTINATARIO",
        "الجهة المرسل إليها",
    ),
    "NATIONAL_LE": (
        "NATIONAL LE",
        "FORCES DE L'ORDRE NATIONALES",
        "FUERZAS DEL ORDEN NACIONALES",
        "أجهزة إنفاذ القانون الوطنية",
    ),
    "INTERPOL_COMMUNITY": (
        "INTERPOL COMMUNITY",
        "COMMUNAUTÉ INTERPOL",
        "COMUNIDAD INTERPOL",
        "مجتمع الإنتربول",
    ),
    "dissemination_unset": (
        "DISSEMINATION UNSET",
        "DIFFUSION NON DÉFINIE",
        "DIFUSIÓN SIN DEFINIR",
        "نطاق التوزيع غير محدد",
    ),
    "victim_data": ("VICTIM DATA", "DONNÉES DE VICTIMES", "DATOS DE VÍCTIMAS", "بيانات ضحايا"),
    "minor_data": ("MINOR DATA", "DONNÉES DE MINEURS", "DATOS DE MENORES", "بيانات قاصرين"),
}


@dataclass(frozen=True)
class Vocabulary:
    """The labels and fixed words of one language's rendering.

    `labels` maps every key of `LABELS` to its label in this language (derived for English),
    `keys` is its inverse, `words` holds the fixed words of `WORDS`."""

    language: str
    name: str
    labels: Mapping[str, str]
    keys: Mapping[str, str]
    words: Mapping[str, str]

    def label(self, key: str) -> str:
        """The label of `key`: written out, or derived for keys without one."""
        return self.labels.get(key) or key_label(key)

    def key(self, label: str) -> str | None:
        """The key that `label` stands for in this language: a key whose label it is, or the key
        it is the derived form of when that key has no label (`X PARTNER REF`); else None."""
        if label in self.keys:
            return self.keys[label]
        if LABEL.fullmatch(label) and label_key(label) not in LABELS:
            return label_key(label)  # a key without a written-out label (`x_...`)
        return None

    def shadows(self, key: str) -> bool:
        """Whether the derived label of `key`, a key without a written-out label, reads as the
        label of another key in this language (the parser could not tell them apart)."""
        return key not in self.labels and key_label(key) in self.keys


def _vocabulary(language: str, name: str, column: int | None) -> Vocabulary:
    labels = {
        key: key_label(key) if column is None else row[column] for key, row in LABELS.items()
    }
    return Vocabulary(
        language=language,
        name=name,
        labels=labels,
        keys={label: key for key, label in labels.items()},
        words={word: row[0 if column is None else column + 1] for word, row in WORDS.items()},
    )


ENGLISH = _vocabulary("en", "English", None)
VOCABULARIES: dict[str, Vocabulary] = {
    "en": ENGLISH,
    "fr": _vocabulary("fr", "French", 0),
    "es": _vocabulary("es", "Spanish", 1),
    "ar": _vocabulary("ar", "Arabic", 2),
}


def vocabulary_for(message: Mapping[str, Any]) -> Vocabulary:
    """The words `message` is rendered with: those of its `language`, English if it has none of
    its own, or if one of the message's keys would be misread in it (`Vocabulary.shadows`: a
    key inside an `x_` extension, where the schema allows any key, such as `pays` in French)."""
    language = message.get("language")
    vocabulary = VOCABULARIES.get(language) if isinstance(language, str) else None
    if vocabulary is None or vocabulary is ENGLISH:
        return ENGLISH
    if any(vocabulary.shadows(key) for key in _keys(message)):
        return ENGLISH
    return vocabulary


def vocabulary_of_title(line: str) -> Vocabulary | None:
    """The vocabulary whose title phrase starts the title line `line`, if any."""
    for vocabulary in VOCABULARIES.values():
        if line.startswith(vocabulary.words["title"] + " "):
            return vocabulary
    return None


def _keys(value: Any):
    """Every string key of every object in `value`, at any depth (no recursion: a message can
    be deeper than Python's stack)."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            yield from (key for key in item if isinstance(key, str))
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
