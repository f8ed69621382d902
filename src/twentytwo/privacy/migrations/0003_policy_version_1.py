"""Publish version 1 of the privacy policy, in force from the day the database is set up.

The text lives here, frozen, rather than in a file the code reads: a published version
never changes, and a database set up next year must get the same version 1 as one set up
today. Later versions are written and published by staff in the admin."""

from django.db import migrations
from django.utils import timezone

SUMMARY_EN = "The first version of this policy."
SUMMARY_NL = "De eerste versie van dit beleid."

TEXT_EN = """\
## Who we are

22tracks is a music discovery service: in each city, local curators keep a playlist of 22 tracks for each genre. 22tracks decides what personal data the service uses and why, and is responsible for it. For questions, requests or complaints about your data, write to privacy@22tracks.example. We answer within one month.

## In short

- You can listen without an account, and without accepting any cookie.
- We count listening with a random number in a cookie, never with your name, your account or your IP address, and you can switch it off.
- An account is only needed for favorites and a dashboard. You sign in with a service you already use (such as Google, Facebook or X); we never see or keep a password.
- We do not sell or rent personal data to anyone.
- Personal data leaves us only to companies that run part of the service for us, to a business partner for a transaction you take part in, or where the law requires it. Every such release is recorded.

## Listening

Pages set no cookie. When you press play, the player tells us what happens: a track starts, keeps playing (a signal once a minute), pauses, resumes, jumps, is skipped, ends or stops. The first time it does, our answer gives your browser a cookie named tt_listener that holds a random number and nothing else. It lets us tell one browser's listening from another's, so that we can count listeners per genre, track and hour, the way radio and TV ratings do. It lasts at most 13 months and is only ever sent to us.

We keep these listening signals for 90 days. After that only totals remain, and a list of which random numbers listened in which quarter hour, which we need to work out the ratings of past periods. After 400 days, longer than the cookie itself lives, the numbers in that list are replaced, a month at a time, by new random numbers that hold for that month only, so the list no longer leads back to any cookie and one month can no longer be joined to another. None of this is ever combined with an account, an IP address or anything else about you: a signed-in listener is counted exactly like one who is not.

You can switch counting off on our About page; we then set a cookie named tt_count with the value off, so that the player remembers it. Nothing is counted either when your browser sends the Global Privacy Control signal or refuses cookies. The music plays just the same.

We do this because we have a legitimate interest in knowing how much the service is used. The cookie is an analytics cookie with little impact on your privacy, which Dutch law (Telecommunicatiewet, article 11.7a) allows without asking consent, provided we tell you about it and you can refuse it.

## Signing in

You sign in through a service of your choice. From it we receive the number that service uses for you, and what it agrees to share: usually your name, e-mail address, a link to your picture and your language. We keep what it told us and show it on your profile page, with where and when it came from; you can remove any of it there, or fetch it again. We do not keep the service's access tokens.

At the first sign-in we ask one question: are you 18 or older? We do not ask your date of birth.

With an account you can keep favorite tracks and genres and see them on your dashboard; we note when you last opened the dashboard, to show what is new since then.

We need this data to give you the account you asked for. We keep it as long as you keep the account; when you erase the account, it is erased with it.

The service you sign in with is a separate company with its own privacy policy. It learns that you signed in to 22tracks.

## Cookies

- sessionid: keeps you signed in. Set when you sign in; the session ends after 4 hours without use, and 7 days after signing in at the latest.
- csrftoken: protects forms against requests forged by other sites. Set when a page with a form is shown to you.
- messages: carries a short notice (for example that you were signed out) to the next page, then disappears.
- tt_listener: the random listener number described above, for audience statistics. Set when you first press play, unless you refuse it.
- tt_count: remembers that you switched counting off.
- Your cookie choices are remembered in a cookie holding a random number. We record each choice with that number, the time and the version of this policy, so that we can show what was chosen; we keep that record for two years.

The first three are needed to sign in and to send forms, so they need no consent. We have no advertising partners today. Should we work with any, their cookies and scripts will load only after you agree to it, this policy will name them, and the site will work in full whether you agree or not. Refusing is as easy as accepting. A browser that sends Global Privacy Control is treated as refusing everything that is not needed.

## Mail

We write to you only when it is part of something you asked for, such as the confirmation link we send to a parent or guardian. News, specials or surveys are sent only to listeners who asked for them; every such message has a link to stop, and you can object to it at any moment with one click, after which we stop at once.

## Who receives personal data

- Companies that process data for us, under a contract that lets them use it only for us. They are listed below this policy, with what they do and where.
- A business we run a joint offer with, only for a transaction you take part in, and only what that transaction needs. It must protect the data as well as we do. Each such share is recorded.
- Authorities or others, where the law obliges us, or where it is needed to protect the rights, property or safety of 22tracks, our listeners or others, for example against fraud or copyright infringement. Each release is recorded with who asked, on what legal basis, and what was released.
- Labels, publishers, advertisers and other partners get figures about many listeners together, never data about you.

We do not sell or rent personal data.

## Server logs

Our web servers note the requests they answer (the time, the address asked for, the answer, your IP address and your browser's name) to find faults, see trends and keep the site running. These logs are never joined to accounts. How long they are kept is set out in our record of processing.

## How long we keep data

Our record of processing lists every kind of personal data we hold, why, on what legal basis and for how long. In short: account data as long as the account exists; listening signals 90 days; the random numbers in the ratings list 400 days; sessions until they end; cookie choices two years; a guardian request that is never confirmed 30 days; requests about personal data two years after they are settled; records of releases five years.

## Children

22tracks is not made for children. Anyone can listen without an account. To keep favorites with an account you must be 18 or older, or have a parent or guardian confirm that you may. A listener who says they are under 18 can listen, but keeps no favorites and gets no mail from us until a parent or guardian confirms through a link we e-mail to them (the link works for 7 days). We keep the parent's or guardian's e-mail address and when they confirmed; a request that is never confirmed is deleted after 30 days. Dutch law requires a parent's permission before children under 16 can consent to the use of their data; we ask it for everyone under 18.

## Your rights

You may ask us to show the personal data we hold about you and to give you a copy, also in a form a computer can read; to correct it; to erase it; to limit what we do with it; and to stop using it. An objection to direct marketing always succeeds. Write to privacy@22tracks.example; signed in, you can do most of this yourself. We answer within one month. If a request is complex, or one of many, we may take up to two months more, and then tell you why within the first month. We may ask you to show that the data is about you.

You can also complain to the Dutch data protection authority, the Autoriteit Persoonsgegevens (autoriteitpersoonsgegevens.nl).

## Other sites

Track pages link to shops and to artists' own sites. What those sites do with your data is up to them and their own policies.

## Security

Every page and stream travels over HTTPS. We load no scripts, fonts or styles from other sites. We keep no sign-in tokens. Only the staff who need personal data for their work can reach it, and every release is recorded.

## Changes to this policy

Each version of this policy has a number and the date it takes effect. Earlier versions stay readable on this page, with the differences between any two. A new version never takes effect on a date that has already passed. Data is used under the version in force at the time it is used. When a new version takes effect, signed-in listeners see a notice once.

## Law

Dutch law applies to this policy and to any dispute about privacy; today that means the General Data Protection Regulation (AVG), the Dutch act implementing it (UAVG) and the Telecommunicatiewet.
"""

TEXT_NL = """\
## Wie wij zijn

22tracks is een dienst om muziek te ontdekken: in elke stad houden lokale curatoren per genre een playlist van 22 nummers bij. 22tracks bepaalt welke persoonsgegevens de dienst gebruikt en waarvoor, en is daarvoor verantwoordelijk. Met vragen, verzoeken of klachten over je gegevens kun je mailen naar privacy@22tracks.example. We antwoorden binnen een maand.

## In het kort

- Je kunt luisteren zonder account, en zonder ook maar één cookie te accepteren.
- We tellen luisteren met een willekeurig getal in een cookie, nooit met je naam, je account of je IP-adres, en je kunt het tellen uitzetten.
- Een account heb je alleen nodig voor favorieten en een dashboard. Je logt in met een dienst die je al gebruikt (zoals Google, Facebook of X); een wachtwoord zien of bewaren we nooit.
- We verkopen of verhuren geen persoonsgegevens, aan niemand.
- Persoonsgegevens gaan alleen naar bedrijven die een deel van de dienst voor ons uitvoeren, naar een zakenpartner voor een transactie waaraan je zelf deelneemt, of naar wie de wet ons verplicht ze te geven. Elke verstrekking wordt vastgelegd.

## Luisteren

Pagina's zetten geen cookie. Als je op play drukt, meldt de speler ons wat er gebeurt: een nummer begint, speelt door (eens per minuut een signaal), pauzeert, gaat verder, springt, wordt overgeslagen, eindigt of stopt. De eerste keer geeft ons antwoord je browser een cookie met de naam tt_listener, met een willekeurig getal en verder niets. Daarmee onderscheiden we het luisteren van de ene browser van dat van de andere, zodat we luisteraars kunnen tellen per genre, nummer en uur, zoals bij kijk- en luistercijfers van radio en tv. Het cookie blijft hooguit 13 maanden en gaat alleen naar ons.

Deze luistersignalen bewaren we 90 dagen. Daarna blijven alleen totalen over, en een lijst van welke willekeurige getallen in welk kwartier luisterden, die we nodig hebben om de cijfers van eerdere periodes te berekenen. Na 400 dagen, langer dan de cookie zelf bestaat, worden de getallen in die lijst per maand vervangen door nieuwe willekeurige getallen die alleen voor die maand gelden, zodat de lijst niet meer terugleidt naar een cookie en de ene maand niet meer aan de andere te koppelen is. Niets hiervan wordt ooit gekoppeld aan een account, een IP-adres of iets anders over jou: een ingelogde luisteraar wordt precies zo geteld als een luisteraar die niet is ingelogd.

Je kunt het tellen uitzetten op onze pagina Over; we zetten dan een cookie met de naam tt_count en de waarde off, zodat de speler dat onthoudt. Er wordt ook niets geteld als je browser het signaal Global Privacy Control meestuurt of cookies weigert. De muziek speelt gewoon door.

We doen dit omdat we er een gerechtvaardigd belang bij hebben te weten hoeveel de dienst gebruikt wordt. Het cookie is een analytisch cookie met weinig gevolgen voor je privacy; de Nederlandse wet (Telecommunicatiewet, artikel 11.7a) staat dat zonder toestemming toe, mits we je erover informeren en je het kunt weigeren.

## Inloggen

Je logt in via een dienst naar keuze. Van die dienst krijgen we het nummer dat die dienst voor jou gebruikt, en wat hij met ons wil delen: meestal je naam, je e-mailadres, een link naar je foto en je taal. We bewaren wat hij ons vertelde en tonen het op je profielpagina, met waar en wanneer het vandaan kwam; daar kun je alles verwijderen of opnieuw ophalen. De toegangssleutels (tokens) van die dienst bewaren we niet.

Bij de eerste keer inloggen stellen we één vraag: ben je 18 jaar of ouder? Naar je geboortedatum vragen we niet.

Met een account kun je favoriete nummers en genres bewaren en ze op je dashboard zien; we noteren wanneer je je dashboard voor het laatst opende, om te laten zien wat er sindsdien nieuw is.

Deze gegevens hebben we nodig om je het account te geven waar je om vroeg. We bewaren ze zolang je het account hebt; als je het account wist, worden ze mee gewist.

De dienst waarmee je inlogt is een ander bedrijf, met een eigen privacybeleid. Die dienst weet dat je bij 22tracks bent ingelogd.

## Cookies

- sessionid: houdt je ingelogd. Gezet als je inlogt; de sessie eindigt na 4 uur zonder gebruik, en uiterlijk 7 dagen na het inloggen.
- csrftoken: beschermt formulieren tegen verzoeken die andere sites namens jou proberen te versturen. Gezet als je een pagina met een formulier ziet.
- messages: brengt een korte melding (bijvoorbeeld dat je bent uitgelogd) naar de volgende pagina en verdwijnt dan.
- tt_listener: het willekeurige luisteraarsnummer hierboven, voor luistercijfers. Gezet als je voor het eerst op play drukt, tenzij je het weigert.
- tt_count: onthoudt dat je het tellen hebt uitgezet.
- Je cookiekeuzes worden onthouden in een cookie met een willekeurig getal. We leggen elke keuze vast met dat getal, het tijdstip en de versie van dit beleid, zodat we kunnen laten zien wat er gekozen is; dat bewaren we twee jaar.

De eerste drie zijn nodig om in te loggen en formulieren te versturen en vragen dus geen toestemming. We hebben op dit moment geen advertentiepartners. Gaan we met zulke partners werken, dan laden hun cookies en scripts pas nadat je daarmee instemt, noemt dit beleid ze bij naam, en werkt de site volledig, of je nu instemt of niet. Weigeren is net zo makkelijk als accepteren. Een browser die Global Privacy Control meestuurt, behandelen we als een weigering van alles wat niet nodig is.

## E-mail

We mailen alleen als dat hoort bij iets waar je om vroeg, zoals de bevestigingslink die we naar een ouder of voogd sturen. Nieuws, aanbiedingen of enquêtes sturen we alleen aan luisteraars die daarom vroegen; in elk zo'n bericht staat een link om te stoppen, en je kunt op elk moment met één klik bezwaar maken, waarna we meteen stoppen.

## Wie persoonsgegevens ontvangt

- Bedrijven die gegevens voor ons verwerken, onder een contract waarin staat dat ze die alleen voor ons mogen gebruiken. Ze staan onder dit beleid, met wat ze doen en waar.
- Een bedrijf waarmee we een gezamenlijk aanbod doen, alleen voor een transactie waaraan je zelf deelneemt, en alleen wat die transactie nodig heeft. Dat bedrijf moet de gegevens even goed beschermen als wij. Elke verstrekking wordt vastgelegd.
- Overheden of anderen, als de wet ons verplicht, of als het nodig is om de rechten, eigendommen of veiligheid van 22tracks, onze luisteraars of anderen te beschermen, bijvoorbeeld tegen fraude of inbreuk op auteursrecht. Elke verstrekking wordt vastgelegd met wie erom vroeg, op welke wettelijke grondslag, en wat er verstrekt is.
- Labels, uitgevers, adverteerders en andere partners krijgen cijfers over veel luisteraars samen, nooit gegevens over jou.

We verkopen of verhuren geen persoonsgegevens.

## Serverlogs

Onze webservers noteren de verzoeken die ze beantwoorden (het tijdstip, het gevraagde adres, het antwoord, je IP-adres en de naam van je browser) om storingen te vinden, trends te zien en de site draaiende te houden. Deze logs worden nooit aan accounts gekoppeld. Hoe lang we ze bewaren staat in ons register van verwerkingen.

## Hoe lang we gegevens bewaren

Ons register van verwerkingen noemt elke soort persoonsgegevens die we hebben, waarvoor, op welke grondslag en hoe lang. In het kort: accountgegevens zolang het account bestaat; luistersignalen 90 dagen; de willekeurige getallen in de lijst voor de cijfers 400 dagen; sessies tot ze eindigen; cookiekeuzes twee jaar; een verzoek aan een ouder of voogd dat nooit bevestigd wordt 30 dagen; verzoeken over persoonsgegevens twee jaar nadat ze zijn afgehandeld; vastleggingen van verstrekkingen vijf jaar.

## Kinderen

22tracks is niet voor kinderen gemaakt. Iedereen kan luisteren zonder account. Om met een account favorieten te bewaren moet je 18 jaar of ouder zijn, of moet een ouder of voogd bevestigen dat het mag. Een luisteraar die zegt jonger dan 18 te zijn, kan luisteren, maar bewaart geen favorieten en krijgt geen e-mail van ons tot een ouder of voogd bevestigt via een link die we hem of haar mailen (de link werkt 7 dagen). We bewaren het e-mailadres van de ouder of voogd en wanneer die bevestigde; een verzoek dat nooit bevestigd wordt, wissen we na 30 dagen. De Nederlandse wet eist toestemming van een ouder voordat kinderen onder de 16 zelf toestemming kunnen geven voor het gebruik van hun gegevens; wij vragen die voor iedereen onder de 18.

## Je rechten

Je kunt ons vragen je te laten zien welke persoonsgegevens we over je hebben en je daarvan een kopie te geven, ook in een vorm die een computer kan lezen; ze te verbeteren; ze te wissen; te beperken wat we ermee doen; en ermee te stoppen. Bezwaar tegen direct marketing wordt altijd gehonoreerd. Mail naar privacy@22tracks.example; als je bent ingelogd, kun je het meeste zelf doen. We antwoorden binnen een maand. Is een verzoek ingewikkeld, of is het een van vele, dan kunnen we er twee maanden langer over doen, en laten we je binnen de eerste maand weten waarom. We kunnen je vragen te laten zien dat de gegevens over jou gaan.

Je kunt ook een klacht indienen bij de Autoriteit Persoonsgegevens (autoriteitpersoonsgegevens.nl).

## Andere sites

Pagina's van nummers linken naar winkels en naar de eigen sites van artiesten. Wat die sites met je gegevens doen, bepalen zij zelf, in hun eigen beleid.

## Beveiliging

Elke pagina en elke stream gaat over HTTPS. We laden geen scripts, lettertypen of stijlen van andere sites. We bewaren geen inlogtokens. Alleen medewerkers die persoonsgegevens voor hun werk nodig hebben, kunnen erbij, en elke verstrekking wordt vastgelegd.

## Wijzigingen in dit beleid

Elke versie van dit beleid heeft een nummer en de datum waarop ze ingaat. Eerdere versies blijven op deze pagina te lezen, met de verschillen tussen elke twee versies. Een nieuwe versie gaat nooit in op een datum die al voorbij is. Gegevens worden gebruikt onder de versie die geldt op het moment dat ze gebruikt worden. Als een nieuwe versie ingaat, zien ingelogde luisteraars daar één keer een melding van.

## Recht

Op dit beleid en op elk geschil over privacy is Nederlands recht van toepassing; dat betekent nu de Algemene verordening gegevensbescherming (AVG), de Uitvoeringswet AVG (UAVG) en de Telecommunicatiewet.
"""


def publish_version_1(apps, schema_editor):
    PolicyVersion = apps.get_model("privacy", "PolicyVersion")
    if PolicyVersion.objects.exists():
        return
    now = timezone.now()
    PolicyVersion.objects.create(
        number=1,
        effective_on=timezone.localdate(now),
        summary_en=SUMMARY_EN,
        summary_nl=SUMMARY_NL,
        text_en=TEXT_EN,
        text_nl=TEXT_NL,
        published=True,
        published_at=now,
    )


def unpublish_version_1(apps, schema_editor):
    PolicyVersion = apps.get_model("privacy", "PolicyVersion")
    PolicyVersion.objects.filter(number=1, published_by__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("privacy", "0002_audit_outlives_requests")]

    operations = [migrations.RunPython(publish_version_1, unpublish_version_1)]
