"""The bot's own sentences in the widget's six languages (FAQ answers come from the owners).

`say(key, language)` falls back to English for a language not listed here.
"""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "sensitive": "Please don't share sensitive information in chat.",
        "profanity": "Please keep the conversation professional.",
        "clarify": "I want to make sure I understand. Are you asking about:",
        "fallback": (
            "I'm still not sure I understand. I can ask a person from our team to join, or you "
            "can leave your details and we'll get back to you."
        ),
        "unknown": (
            "I'm sorry, I don't know the answer to that. I can ask a person from our team to "
            "join, or you can leave your details and we'll get back to you."
        ),
        "handover": (
            "I've asked a person from our team to join this conversation; they'll reply here as "
            "soon as they can. You can also leave your details and we'll get back to you."
        ),
        "sorry": "I'm sorry about the trouble.",
        "angry": (
            "I'm sorry about this. I've flagged your conversation for our team, so a person can "
            "pick it up here; you can also leave your details and we'll get back to you."
        ),
        "untranslated": "(Sorry, this answer isn't available in your language yet.)",
        "greeting": "Hi! How can I help you today?",
        "ack": "I see: {}.",
        "ack_person": "with {}",
        "ack_date": "on {}",
        "ack_month": "in {}",
        "ack_year": "in {}",
        "ack_time": "at {}",
        "ack_product": "for your {}",
        "ack_order": "order {}",
        "date_pattern": "EEEE d MMMM",
        "list_separator": ", ",
    },
    "ur": {
        "sensitive": "براہ کرم چیٹ میں حساس معلومات شیئر نہ کریں۔",
        "profanity": "براہ کرم گفتگو کو شائستہ رکھیں۔",
        "clarify": "میں یقینی بنانا چاہتا ہوں کہ میں سمجھ گیا ہوں۔ کیا آپ اس بارے میں پوچھ رہے ہیں:",
        "fallback": (
            "مجھے ابھی بھی یقین نہیں کہ میں سمجھ گیا ہوں۔ میں ہماری ٹیم کے کسی فرد کو بلا سکتا ہوں، "
            "یا آپ اپنی تفصیلات چھوڑ دیں اور ہم آپ سے رابطہ کریں گے۔"
        ),
        "unknown": (
            "معذرت، مجھے اس کا جواب معلوم نہیں۔ میں ہماری ٹیم کے کسی فرد کو بلا سکتا ہوں، "
            "یا آپ اپنی تفصیلات چھوڑ دیں اور ہم آپ سے رابطہ کریں گے۔"
        ),
        "handover": (
            "میں نے ہماری ٹیم کے ایک فرد کو اس گفتگو میں شامل ہونے کا کہا ہے؛ وہ جلد از جلد یہیں "
            "جواب دیں گے۔ آپ اپنی تفصیلات بھی چھوڑ سکتے ہیں اور ہم آپ سے رابطہ کریں گے۔"
        ),
        "sorry": "اس پریشانی کے لیے معذرت۔",
        "angry": (
            "اس کے لیے معذرت۔ میں نے آپ کی گفتگو ہماری ٹیم کے لیے نشان زد کر دی ہے تاکہ کوئی فرد "
            "یہیں بات آگے بڑھائے؛ آپ اپنی تفصیلات بھی چھوڑ سکتے ہیں اور ہم آپ سے رابطہ کریں گے۔"
        ),
        "untranslated": "(معذرت، یہ جواب ابھی آپ کی زبان میں دستیاب نہیں ہے۔)",
        "greeting": "السلام علیکم! میں آج آپ کی کیا مدد کر سکتا ہوں؟",
        "ack": "میں سمجھ گیا: {}۔",
        "ack_person": "{} کے ساتھ",
        "ack_date": "{} کو",
        "ack_month": "{} میں",
        "ack_year": "{} میں",
        "ack_time": "{} بجے",
        "ack_product": "{} کے لیے",
        "ack_order": "آرڈر {}",
        "date_pattern": "EEEE d MMMM",
        "list_separator": "، ",
    },
    "es": {
        "sensitive": "Por favor, no compartas información sensible en el chat.",
        "profanity": "Por favor, mantén una conversación respetuosa.",
        "clarify": "Quiero asegurarme de entenderte. ¿Preguntas por:",
        "fallback": (
            "Sigo sin estar seguro de entenderte. Puedo pedir a una persona de nuestro equipo que "
            "se una, o puedes dejar tus datos y te contactaremos."
        ),
        "unknown": (
            "Lo siento, no sé la respuesta a eso. Puedo pedir a una persona de nuestro equipo que "
            "se una, o puedes dejar tus datos y te contactaremos."
        ),
        "handover": (
            "He pedido a una persona de nuestro equipo que se una a esta conversación; responderá "
            "aquí en cuanto pueda. También puedes dejar tus datos y te contactaremos."
        ),
        "sorry": "Siento las molestias.",
        "angry": (
            "Lo siento mucho. He marcado tu conversación para nuestro equipo, para que una persona "
            "la atienda aquí; también puedes dejar tus datos y te contactaremos."
        ),
        "untranslated": "(Lo sentimos, esta respuesta aún no está disponible en tu idioma.)",
        "greeting": "¡Hola! ¿En qué puedo ayudarte hoy?",
        "ack": "Entendido: {}.",
        "ack_person": "con {}",
        "ack_date": "el {}",
        "ack_month": "en {}",
        "ack_year": "en {}",
        "ack_time": "a las {}",
        "ack_product": "para tu {}",
        "ack_order": "pedido {}",
        "date_pattern": "EEEE d 'de' MMMM",
        "list_separator": ", ",
    },
    "fr": {
        "sensitive": "Merci de ne pas partager d'informations sensibles dans le chat.",
        "profanity": "Merci de garder un ton professionnel.",
        "clarify": "Je veux être sûr de bien comprendre. Votre question porte-t-elle sur :",
        "fallback": (
            "Je ne suis toujours pas sûr de comprendre. Je peux demander à une personne de notre "
            "équipe de nous rejoindre, ou vous pouvez laisser vos coordonnées et nous vous "
            "recontacterons."
        ),
        "unknown": (
            "Désolé, je ne connais pas la réponse. Je peux demander à une personne de notre "
            "équipe de nous rejoindre, ou vous pouvez laisser vos coordonnées et nous vous "
            "recontacterons."
        ),
        "handover": (
            "J'ai demandé à une personne de notre équipe de rejoindre cette conversation ; elle "
            "répondra ici dès que possible. Vous pouvez aussi laisser vos coordonnées."
        ),
        "sorry": "Désolé pour ce désagrément.",
        "angry": (
            "Je suis désolé. J'ai signalé votre conversation à notre équipe pour qu'une personne "
            "la reprenne ici ; vous pouvez aussi laisser vos coordonnées."
        ),
        "untranslated": "(Désolé, cette réponse n'est pas encore disponible dans votre langue.)",
        "greeting": "Bonjour ! Comment puis-je vous aider aujourd'hui ?",
        "ack": "Compris : {}.",
        "ack_person": "avec {}",
        "ack_date": "le {}",
        "ack_month": "en {}",
        "ack_year": "en {}",
        "ack_time": "à {}",
        "ack_product": "pour votre {}",
        "ack_order": "commande {}",
        "date_pattern": "EEEE d MMMM",
        "list_separator": ", ",
    },
    "de": {
        "sensitive": "Bitte teilen Sie keine sensiblen Daten im Chat.",
        "profanity": "Bitte bleiben Sie sachlich.",
        "clarify": "Ich möchte sichergehen, dass ich Sie richtig verstehe. Geht es um:",
        "fallback": (
            "Ich bin mir immer noch nicht sicher, was Sie meinen. Ich kann eine Person aus unserem "
            "Team dazuholen, oder Sie hinterlassen Ihre Kontaktdaten und wir melden uns."
        ),
        "unknown": (
            "Das weiß ich leider nicht. Ich kann eine Person aus unserem Team dazuholen, oder Sie "
            "hinterlassen Ihre Kontaktdaten und wir melden uns."
        ),
        "handover": (
            "Ich habe eine Person aus unserem Team gebeten, dazuzukommen; sie antwortet hier, so "
            "bald sie kann. Sie können auch Ihre Kontaktdaten hinterlassen."
        ),
        "sorry": "Das tut mir leid.",
        "angry": (
            "Das tut mir sehr leid. Ich habe Ihr Gespräch für unser Team markiert, damit eine "
            "Person es hier übernimmt; Sie können auch Ihre Kontaktdaten hinterlassen."
        ),
        "untranslated": "(Diese Antwort gibt es leider noch nicht in Ihrer Sprache.)",
        "greeting": "Hallo! Wie kann ich Ihnen heute helfen?",
        "ack": "Verstanden: {}.",
        "ack_person": "mit {}",
        "ack_date": "am {}",
        "ack_month": "im {}",
        "ack_year": "im Jahr {}",
        "ack_time": "um {}",
        "ack_product": "für {}",
        "ack_order": "Bestellung {}",
        "date_pattern": "EEEE, d. MMMM",
        "list_separator": ", ",
    },
    "ar": {
        "sensitive": "يرجى عدم مشاركة معلومات حساسة في الدردشة.",
        "profanity": "يرجى الحفاظ على لغة مهذبة في المحادثة.",
        "clarify": "أريد التأكد من أنني فهمتك. هل تسأل عن:",
        "fallback": (
            "ما زلت غير متأكد من أنني فهمتك. يمكنني أن أطلب من أحد أعضاء فريقنا الانضمام، "
            "أو يمكنك ترك بياناتك وسنتواصل معك."
        ),
        "unknown": (
            "عذرًا، لا أعرف الإجابة عن ذلك. يمكنني أن أطلب من أحد أعضاء فريقنا الانضمام، "
            "أو يمكنك ترك بياناتك وسنتواصل معك."
        ),
        "handover": (
            "طلبت من أحد أعضاء فريقنا الانضمام إلى هذه المحادثة؛ سيرد هنا في أقرب وقت ممكن. "
            "يمكنك أيضًا ترك بياناتك وسنتواصل معك."
        ),
        "sorry": "نأسف على هذا الإزعاج.",
        "angry": (
            "نأسف لذلك. لقد أبلغت فريقنا بمحادثتك ليتابعها أحدهم هنا؛ "
            "يمكنك أيضًا ترك بياناتك وسنتواصل معك."
        ),
        "untranslated": "(عذرًا، هذه الإجابة غير متوفرة بلغتك بعد.)",
        "greeting": "مرحبًا! كيف يمكنني مساعدتك اليوم؟",
        "ack": "فهمت: {}.",
        "ack_person": "مع {}",
        "ack_date": "يوم {}",
        "ack_month": "في {}",
        "ack_year": "في عام {}",
        "ack_time": "الساعة {}",
        "ack_product": "بخصوص {}",
        "ack_order": "الطلب {}",
        "date_pattern": "EEEE d MMMM",
        "list_separator": "، ",
    },
}


def say(key: str, language: str | None = None) -> str:
    """The sentence `key` in `language`, or in English when it has no translation here."""
    return TEXTS.get(language or "en", TEXTS["en"]).get(key) or TEXTS["en"][key]


def greetings_for(greeting: str) -> dict[str, str]:
    """The default greeting in every language above when `greeting` is that default (in any of
    them); {} for a greeting the owner wrote, which is theirs and is not translated."""
    defaults = {language: texts["greeting"] for language, texts in TEXTS.items()}
    return defaults if greeting.strip() in defaults.values() else {}
