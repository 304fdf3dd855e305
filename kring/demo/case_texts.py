"""Swedish word lists for the demo TSI cases: what schools write in a request, what families and schools tell,
the needs analysis in Barnet, Skolan and Hemmet, interventions, goals in the child's own words, meeting places.

Texts may name the child with `{child}` (the first name). All of it is invented, in the way of Magneten's own
examples: school absence, conflicts at home, a child who feels unheard.
"""

from __future__ import annotations

from kring.casework.models import BbicAspect, FocusArea, InterventionKind, NeedKind

REASONS = (
    "{child} har hög frånvaro sedan hösten, ofta hela dagar och ofta måndagar. Vi är oroliga för hur hen mår.",
    "{child} hamnar ofta i konflikter på rasterna och har svårt att komma tillbaka in i lektionerna efteråt.",
    "{child} säger att hen inte orkar gå till skolan. Hemma är det mycket bråk på morgnarna, säger vårdnadshavarna.",
    "{child} verkar ledsen och trött, sitter ofta ensam och har tappat i flera ämnen under terminen.",
    "{child} kommer sent nästan varje dag och har svårt att komma igång. Vårdnadshavarna ber själva om stöd.",
    "{child} har börjat utebli från idrotten och vissa lektioner. Hen säger att ingen lyssnar på hen.",
    "{child} har svårt med stämningen i klassen och har varit inblandad i flera bråk. Familjen vill ha hjälp.",
    "Vårdnadshavarna berättar om stora konflikter hemma kring skärmtid och sömn; {child} är trött i skolan.",
)
TRIED = (
    "Samtal med mentor och kurator, anpassat schema två dagar i veckan.",
    "Elevhälsomöte, extra anpassningar i matematik och svenska, kontakt med hemmet varje vecka.",
    "Rastaktiviteter med fritidspersonal, samtal med kurator varannan vecka.",
    "Närvaroplan tillsammans med vårdnadshavarna, möte med skolsköterskan.",
    "Särskilt stöd i form av en mindre undervisningsgrupp några lektioner, samtal med specialpedagog.",
)
CHILD_VIEWS = (
    "{child} säger att hen vill gå till skolan men att det blir för mycket.",
    "{child} vill att det ska bli lugnare hemma.",
    "{child} säger att hen inte vet vad hen vill, men att hen vill ha någon att prata med.",
    "",
)
MORE_INFO_NOTES = (
    "Vi behöver veta mer om frånvaron: hur många dagar den här terminen, och vad vårdnadshavarna säger om den.",
    "Berätta gärna mer om vad elevhälsan har provat och hur {child} själv beskriver situationen.",
    "Har vårdnadshavarna fått veta om förfrågan? Vi vill veta hur de ser på att vi kopplas in.",
)
ACCEPT_NOTES = (
    "Passar TSI: behov i både skola och hem, vårdnadshavarna vill ha stöd. Vi bokar informationsmöte.",
    "Tidig signal med behov på flera områden. Vi tar ärendet och kontaktar vårdnadshavarna.",
    "Skolan har provat mycket på egen hand; samordnat stöd med hemmet behövs. Vi tar ärendet.",
)
DECLINE_NOTES = {
    "report_of_concern": (
        "Det som beskrivs tyder på att {child} kan fara illa hemma. Det är inte ett ärende för frivilligt TSI: "
        "gör en orosanmälan till socialtjänsten i dag."
    ),
    "student_health": (
        "Behoven gäller framför allt skolan. Fortsätt i elevhälsans ordinarie arbete; hör av er igen om det "
        "blir svårare hemma."
    ),
    "other_support": "Familjen har redan stöd från BUP och öppenvården; samordna hellre där.",
}
INFORMATION_NOTES = (
    "Vi berättade om arbetssättet, om samtycket och att det går att ta tillbaka när som helst. Vårdnadshavarna "
    "vill delta och ger sitt samtycke.",
    "Vårdnadshavarna hade många frågor om vem som får veta vad; vi gick igenom samtyckets omfattning. De samtycker.",
)
DECLINED_BY_FAMILY_NOTES = (
    "Vårdnadshavarna vill inte delta just nu efter informationsmötet. Skolan fortsätter med elevhälsan.",
)

GUARDIAN_STORIES = (
    "Mornarna är det svåraste. {child} vill inte gå upp och det slutar ofta i bråk. Vi vet inte hur vi ska göra.",
    "Hemma är {child} glad och pratig, men när vi pratar om skolan blir hen tyst. Vi vill förstå varför.",
    "Vi har mycket omkring oss just nu med jobb och flytt, och märker att {child} mår sämre.",
    "{child} sover dåligt och sitter länge med mobilen på kvällarna. Vi har försökt med regler men de håller inte.",
)
SCHOOL_STORIES = (
    "{child} är omtyckt av de vuxna och fungerar bra i små grupper. I helklass och på raster blir det svårt.",
    "När {child} är här gör hen ett bra jobb, men frånvaron gör att hen halkar efter och det blir en ond cirkel.",
    "Mentor ser en elev som vill men inte orkar. Det blir ofta konflikter efter lunch.",
)
CHILD_STORIES = (
    "Jag vill att någon lyssnar på mig. Hemma är det bråk och i skolan är det rörigt.",
    "Det är tråkigt på rasterna för jag har ingen att vara med. Då vill jag inte gå dit.",
    "Jag blir arg när alla bestämmer över mig. Jag vill få säga vad jag tycker.",
    "Jag tycker om bild och att spela fotboll. Det är matten som är jobbig.",
)

# The needs analysis: (focus area, kind, BBIC aspect, text).
NEEDS: tuple[tuple[str, str, str, str], ...] = (
    (FocusArea.CHILD, NeedKind.NEED, BbicAspect.EMOTIONS, "Behöver verktyg för att hantera ilska och oro."),
    (FocusArea.CHILD, NeedKind.NEED, BbicAspect.HEALTH, "Sover för lite; trött och nedstämd på förmiddagarna."),
    (FocusArea.CHILD, NeedKind.STRENGTH, BbicAspect.IDENTITY, "Kreativ, tycker om bild och musik."),
    (FocusArea.CHILD, NeedKind.STRENGTH, BbicAspect.RELATIONSHIPS, "Har en nära kompis i parallellklassen."),
    (FocusArea.SCHOOL, NeedKind.NEED, BbicAspect.EDUCATION, "Behöver en tydlig dagsplanering och en lugn start."),
    (FocusArea.SCHOOL, NeedKind.NEED, BbicAspect.SOCIAL_PRESENTATION, "Behöver stöd på raster och i matsalen."),
    (FocusArea.SCHOOL, NeedKind.STRENGTH, BbicAspect.EDUCATION, "Tycker om sin mentor och litar på hen."),
    (FocusArea.SCHOOL, NeedKind.RISK, BbicAspect.EDUCATION, "Frånvaron har ökat varje månad sedan hösten."),
    (FocusArea.HOME, NeedKind.NEED, BbicAspect.GUIDANCE, "Vårdnadshavarna vill ha stöd i att sätta gränser."),
    (FocusArea.HOME, NeedKind.NEED, BbicAspect.STABILITY, "Behöver fasta rutiner för kvällar och morgnar."),
    (FocusArea.HOME, NeedKind.STRENGTH, BbicAspect.WARMTH, "Nära relation till vårdnadshavarna och syskonen."),
    (FocusArea.HOME, NeedKind.RISK, BbicAspect.FAMILY, "Konflikterna hemma har blivit fler det senaste halvåret."),
)

# Interventions: (focus area, kind, what is done, who is responsible: "mentor", "guardians", "team", "kurator").
INTERVENTIONS: tuple[tuple[str, str, str, str], ...] = (
    (FocusArea.CHILD, InterventionKind.CONFLICT_TOOLS, "Samtal om känslor och strategier, varannan vecka.", "team"),
    (FocusArea.CHILD, InterventionKind.LEISURE, "Prova på en fritidsaktivitet med stöd att komma dit.", "team"),
    (FocusArea.SCHOOL, InterventionKind.SCHOOL_SUPPORT, "Mentor möter upp vid skolstart varje morgon.", "mentor"),
    (FocusArea.SCHOOL, InterventionKind.SCHOOL_SUPPORT, "Rastaktivitet med en vuxen två dagar i veckan.", "kurator"),
    (FocusArea.HOME, InterventionKind.HOME_ROUTINES, "Kvällsrutin med skärmfri timme före läggning.", "guardians"),
    (FocusArea.HOME, InterventionKind.PARENT_SUPPORT, "Föräldrastöd i grupp, fem träffar.", "guardians"),
)  # fmt: skip

GOALS: tuple[tuple[str, str], ...] = (
    ("{child} är i skolan hela dagar.", "Jag vill orka vara i skolan till sista lektionen."),
    ("Färre konflikter hemma på morgnarna.", "Jag vill att det inte ska bli bråk innan skolan."),
    ("{child} har någon att vara med på rasterna.", "Jag vill ha någon att spela fotboll med på rasten."),
    ("{child} upplever att de vuxna lyssnar.", "Jag vill att de lyssnar på mig innan de bestämmer."),
    ("{child} sover tillräckligt på vardagar.", "Jag vill inte vara så trött i skolan."),
)
PLAN_ACTIONS: tuple[tuple[str, str], ...] = (
    ("Mentor möter {child} vid entrén varje morgon.", "mentor"),
    ("Vårdnadshavarna inför kvällsrutinen och skärmfri timme.", "guardians"),
    ("Kurator ordnar rastaktivitet tisdag och torsdag.", "kurator"),
    ("Teamet har samtal med {child} varannan vecka.", "team"),
)

NEUTRAL_ARENAS = (
    "Biblioteket i Demby, grupprummet",
    "Fritidsgården Ungdomens hus, Demköping",
    "Familjecentralen Demvik",
    "Kompassens samtalsrum i kulturhuset",
    "Idrottsföreningens klubbstuga, Demsjö",
)
INFORMATION_PLACES = ("Kompassens samtalsrum i kulturhuset", "Skolans konferensrum", "Digitalt möte (Teams)")
NETWORK_NOTES = (
    "Alla berättade sin bild. {child} var med första halvtimmen och sa själv vad hen vill ska bli bättre. "
    "Vi kom överens om planen och vem som gör vad.",
    "Mötet hölls på neutral mark så att {child} och vårdnadshavarna kände sig trygga. Mentor deltog som "
    "trygg vuxen från skolan. Planen antogs.",
)
FOLLOW_UP_NOTES = (
    "Närvaron har ökat och morgnarna är lugnare. Rastaktiviteten fungerar; fortsätter som planerat.",
    "{child} säger att det har blivit bättre i skolan. Kvällsrutinen håller de flesta dagar.",
    "Det går åt rätt håll, men idrotten är fortfarande svår. Vi justerar stödet där.",
)
CLOSURE_NOTES = {
    "goals_reached": "Målen är nådda: {child} är i skolan nästan alla dagar och det är lugnare hemma.",
    "moved": "Familjen har flyttat till en annan kommun; vi har tipsat om stöd där.",
    "escalated": "Det har kommit fram uppgifter som gör att socialtjänsten behöver utreda; orosanmälan är gjord.",
    "declined_by_family": "Vårdnadshavarna ville inte delta efter informationsmötet.",
}
WITHDRAWAL_NOTES = (
    "Vårdnadshavaren ringde och tog tillbaka samtycket; vill inte att skolan och socialtjänsten delar uppgifter.",
    "Vårdnadshavaren meddelade på mötet att hen inte längre samtycker. Ärendet avslutas i dag.",
)
WITNESSES = ("Kurator på skolan", "Enhetschefen för TSI-teamet", "Tolk vid mötet")
