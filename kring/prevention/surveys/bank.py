"""The question bank of the pupil surveys, as data: wording in Swedish, English, Arabic and Somali, on the
four-point agreement scale of Skolverket's Skolenkäten (and "don't know"), or the sex question, or free text.
Loaded by a data migration and kept in step by `kring seed` (`load_question_bank`)."""

from __future__ import annotations

from typing import Any

SKOLENKATEN = "Skolinspektionen, Skolenkäten (fyrgradig skala, vet ej)"
LAHOLM = "Börja prata (Laholm), utvärderingsfrågor"

QUESTIONS: list[dict[str, Any]] = [
    {
        "code": "adult-cares",
        "scale": "agree4",
        "source": LAHOLM,
        "texts": {
            "sv": "Det finns en vuxen som verkligen bryr sig om mig.",
            "en": "There is an adult who really cares about me.",
            "ar": "يوجد شخص بالغ يهتم بي حقًا.",
            "so": "Waxaa jira qof weyn oo si dhab ah ii daneeya.",
        },
    },
    {
        "code": "where-to-turn",
        "scale": "agree4",
        "source": LAHOLM,
        "texts": {
            "sv": "Jag vet vart jag kan vända mig om jag behöver hjälp.",
            "en": "I know where to turn if I need help.",
            "ar": "أعرف إلى أين ألجأ إذا احتجت إلى المساعدة.",
            "so": "Waan ogahay meesha aan u jeesan karo haddii aan caawimaad u baahdo.",
        },
    },
    {
        "code": "safe-at-school",
        "scale": "agree4",
        "source": SKOLENKATEN,
        "texts": {
            "sv": "Jag känner mig trygg i skolan.",
            "en": "I feel safe at school.",
            "ar": "أشعر بالأمان في المدرسة.",
            "so": "Waxaan dareemaa ammaan markaan dugsiga joogo.",
        },
    },
    {
        "code": "adults-listen",
        "scale": "agree4",
        "source": SKOLENKATEN,
        "texts": {
            "sv": "De vuxna på skolan lyssnar på mig.",
            "en": "The adults at school listen to me.",
            "ar": "الكبار في المدرسة يستمعون إليّ.",
            "so": "Dadka waaweyn ee dugsiga way i dhegeystaan.",
        },
    },
    {
        "code": "speak-up",
        "scale": "agree4",
        "source": LAHOLM,
        "texts": {
            "sv": "Jag vågar säga ifrån om någon blir illa behandlad.",
            "en": "I dare to speak up if someone is treated badly.",
            "ar": "أجرؤ على الاعتراض إذا عومل أحد معاملة سيئة.",
            "so": "Waxaan ku dhiirradaa inaan ka hadlo haddii qof si xun loola dhaqmo.",
        },
    },
    {
        "code": "someone-at-home",
        "scale": "agree4",
        "source": LAHOLM,
        "texts": {
            "sv": "Det finns någon hemma som jag kan prata med om det som är svårt.",
            "en": "There is someone at home I can talk to about difficult things.",
            "ar": "يوجد شخص في البيت أستطيع أن أتحدث معه عن الأمور الصعبة.",
            "so": "Guriga waxaa jooga qof aan kala hadli karo waxyaabaha adag.",
        },
    },
    {
        "code": "sex",
        "scale": "sex",
        "source": SKOLENKATEN,
        "texts": {"sv": "Jag är", "en": "I am", "ar": "أنا", "so": "Waxaan ahay"},
    },
    {
        "code": "anything-else",
        "scale": "free_text",
        "source": "",
        "texts": {
            "sv": "Finns det något mer du vill berätta?",
            "en": "Is there anything else you want to tell us?",
            "ar": "هل هناك شيء آخر تريد أن تخبرنا به؟",
            "so": "Ma jiraa wax kale oo aad rabto inaad noo sheegto?",
        },
    },
]


def load_question_bank(bank_question: Any) -> int:
    """Create or update the bank's questions (given the model, so that a migration can pass its historical one)."""
    for question in QUESTIONS:
        bank_question.objects.update_or_create(
            code=question["code"],
            defaults={"scale": question["scale"], "texts": question["texts"], "source": question["source"]},
        )
    return len(QUESTIONS)
