"""The kit's read-me, LEAME.txt (Spanish) and LISEZMOI.txt (French): everything a translator who has never
heard of packager needs, in their language."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .export import LANGUAGE_FORMS

if TYPE_CHECKING:
    from ..project import Module, Project


def kit_readme(project: Project, modules: list[Module], lang: str, has_documents: bool, proxy: bool = True,
            qa_findings: int | None = None) -> str:
    """LEAME.txt (lang "es") or LISEZMOI.txt ("fr"): everything a translator who has never heard of
    packager needs — what is in the kit, how to work in each format, what never to touch, what to
    send back. Lines ("\n") are turned into CRLF by the caller."""
    profile = project.config.subtitle_qa
    width = max(len(f"{m.order:02d}-{m.id}/") for m in modules) + 2
    listing = "\n".join(f"  {f'{m.order:02d}-{m.id}/':<{width}}{m.title(lang)}" for m in modules)
    first = f"{modules[0].order:02d}-{modules[0].id}"
    title = project.config.programme.title(lang)
    limits = dict(chars=profile.max_chars_per_line, lines=profile.max_lines, cps=f"{profile.max_cps:g}")
    # The languages the kit is about (the project's pair), named in the read-me's own language.
    pair = dict(src=LANGUAGE_FORMS[project.source_language], dst=LANGUAGE_FORMS[project.target_language],
                ext=project.target_language)
    if lang == "es":
        return _readme_es(title, listing, first, has_documents, proxy, qa_findings, limits, **pair)
    return _readme_fr(title, listing, first, has_documents, proxy, qa_findings, limits, **pair)


def _readme_es(title: str, listing: str, first: str, has_documents: bool, proxy: bool, qa_findings: int | None,
               limits: dict, *, src: dict = LANGUAGE_FORMS["fr"], dst: dict = LANGUAGE_FORMS["es"],
               ext: str = "es") -> str:
    qa = ("ningún problema detectado" if qa_findings == 0 else
          f"{qa_findings} problema(s) detectado(s)" if qa_findings else "problemas detectados")
    burned = src["es_adj_mpl"].upper()
    video = f"""    {first}.proxy.mp4   el video en baja resolución, con los subtítulos {burned} incrustados.
        Arriba a la izquierda: el tiempo (hh:mm:ss). Cada subtítulo empieza con su número:
        [37] = subtítulo 37, la fila 37 de la tabla. Se abre con cualquier reproductor (VLC,
        Películas y TV, QuickTime).
""" if proxy else ""
    video_back = (" Los videos .mp4 no hace falta devolverlos: puede\n"
                  "    borrarlos antes de comprimir para que el archivo sea pequeño." if proxy else "")
    docs = ("  documentos-borrador.docx   los textos de los cuadernos (preguntas de reflexión, folleto,\n"
            "                             síntesis) aún en borrador: la misma tabla, se edita igual.\n"
            if has_documents else "")
    return f"""KIT DE REVISIÓN — {title}
(Las instrucciones en francés están en LISEZMOI.txt.)

Este kit contiene los subtítulos en {dst['es_noun']} de los módulos del video, para revisar y corregir.
Muchos son borradores de traducción automática. No hay que instalar nada: abra editor.html con su
navegador (Chrome, Edge, Firefox o Safari), sin conexión. Si prefiere sus herramientas, basta con Word
o LibreOffice (o Subtitle Edit, Aegisub o una herramienta de traducción asistida).

EL EDITOR (editor.html): LA FORMA MÁS SENCILLA
  1. Descomprima todo el kit (no lo abra desde dentro del .zip) y haga doble clic en editor.html.
  2. Elija el módulo arriba. El video muestra el {src['es_noun']} y el {dst['es_noun']} que usted escribe;
     la fila del subtítulo en pantalla se resalta.
  3. Corrija el {dst['es_noun']} en la lista. Los contadores (caracteres por línea, líneas, caracteres por
     segundo) se ponen en rojo cuando el subtítulo no cumple los límites, y el editor propone un corte
     de líneas. A la izquierda: los términos del glosario del subtítulo y su traducción obligatoria.
  4. «✓ Aprobar» aprueba un subtítulo (otra vez: retira la aprobación); sus preguntas van en
     «Comentario». «Mostrar» filtra (borradores, fuera de límites, con comentario); «Orden: menos
     seguros primero» muestra primero los borradores de los que la máquina está menos segura.
  5. Teclado: Alt+P reproducir el subtítulo, Alt+↑ / Alt+↓ anterior / siguiente, Ctrl+Intro aprobar y
     pasar al siguiente, Alt+A aprobar / a revisar, Alt+C comentar, Alt+Z deshacer.
  6. Todo lo que escribe queda guardado en el navegador al instante: si cierra la pestaña, al abrir
     de nuevo editor.html su trabajo sigue ahí. Trabaje siempre con el mismo navegador y el mismo equipo.
  7. Al terminar (o cada día): «Guardar mi trabajo» descarga {first}.return.json (un archivo por
     módulo). Envíe ese archivo al productor, sin modificarlo.

CONTENIDO
{listing}

  En cada carpeta de módulo (ejemplo: {first}/):
{video}    {first}.{ext}.docx    tabla bilingüe para Word o LibreOffice: número, tiempo, {src['es_noun']},
        {dst['es_noun']}, estado, comentario.
    {first}.{ext}.srt     la pista de subtítulos en {dst['es_noun']} (Subtitle Edit, Aegisub).
    {first}.{ext}.xliff   la misma traducción en XLIFF 2.0 (herramientas de traducción asistida).
  El editor y los tres archivos contienen el mismo texto: trabaje en UNO solo por módulo.

  glosario-glossaire.docx / .csv   términos que se conservan tal cual y traducciones obligatorias.
  qa-borradores.csv          control de calidad de los borradores ({qa}): líneas
                             demasiado largas, lectura demasiado rápida… (se abre con Excel o LibreOffice).
{docs}  editor.html                el editor de subtítulos: ábralo con su navegador (ver arriba).
  manifest.json              archivo técnico para el productor: NO LO MODIFIQUE NI LO BORRE.

SI PREFIERE SUS HERRAMIENTAS (Word, Subtitle Edit, traducción asistida)
  Tabla Word (.docx):
  - Corrija solo la columna «{dst['name']}». Un salto de línea en la celda = un cambio de línea en el subtítulo.
  - Para aprobar un subtítulo, escriba «aprobado» en la columna «Estado / État»; para retirar una
    aprobación, escriba «a revisar».
    Los estados: «borrador» = traducción automática; «editado» = ya corregido por una persona;
    «aprobado» = aprobado; «a revisar» = el {src['es_noun']} cambió después de una revisión: verifíquelo.
  - Sus preguntas u observaciones van en la columna «Comentario».
  - Puede trabajar con el control de cambios activado: los cambios se toman como aceptados.
  - Guarde en formato Word (.docx), con el mismo nombre. En LibreOffice, si pregunta, elija
    «Usar formato Word».
  Subtitle Edit / Aegisub (.srt):
  - Cambie solo el texto. No agregue, borre, una, divida ni desplace ningún subtítulo.
  - La codificación (UTF-8, ANSI…) y la numeración no importan.
  - El SRT no tiene estado ni comentario: para aprobar o comentar, use la tabla Word.
  Herramienta de traducción asistida (.xliff):
  - Edite solo los <target>. Un segmento confirmado como final (state="final", o "reviewed")
    queda aprobado; las notas (<note>) se leen como comentarios. No cambie los identificadores (id).

  Límites de un subtítulo: {limits['chars']} caracteres por línea, {limits['lines']} líneas como máximo,
  {limits['cps']} caracteres por segundo como máximo. Respete el glosario.

QUÉ NO TOCAR NUNCA
  - Los números de subtítulo, los tiempos (timecodes), la columna {src['es_adj_f']}, la línea gris bajo el título
    y la primera columna de las tablas.
  - No agregue ni borre filas: un archivo con otros tiempos u otro número de subtítulos se rechaza entero.
  - Las cifras («14,9 %», «2 500») deben quedar iguales.

QUÉ DEVOLVER
  - Guarde cada archivo con el mismo nombre, en la misma carpeta y en el mismo formato.
  - Comprima la carpeta completa del kit en un .zip (clic derecho > Enviar a > Carpeta comprimida,
    o «Comprimir») y envíela al productor.{video_back}
  - No agregue otros archivos y no cambie los nombres: un kit con archivos desconocidos se rechaza.
  - Si trabajó en el editor: envíe los archivos .return.json que descargó «Guardar mi trabajo»
    (solos, o puestos en la carpeta del kit antes de comprimirla).
  - También puede enviar solo el archivo corregido (.docx, .srt o .xliff), sin cambiarle el nombre.
  Nada de lo que usted escriba se pierde: si un subtítulo también se modificó del lado del productor,
  él verá los dos textos y elegirá.
"""


def _readme_fr(title: str, listing: str, first: str, has_documents: bool, proxy: bool, qa_findings: int | None,
               limits: dict, *, src: dict = LANGUAGE_FORMS["fr"], dst: dict = LANGUAGE_FORMS["es"],
               ext: str = "es") -> str:
    qa = ("aucun problème relevé" if qa_findings == 0 else
          f"{qa_findings} problème(s) relevé(s)" if qa_findings else "problèmes relevés")
    burned = src["fr_adj_mpl"].upper()
    video = f"""    {first}.proxy.mp4   la vidéo en basse résolution, sous-titres {burned} incrustés.
        En haut à gauche : le temps (hh:mm:ss). Chaque sous-titre commence par son numéro :
        [37] = sous-titre 37, la ligne 37 du tableau. S'ouvre avec n'importe quel lecteur (VLC,
        Films et TV, QuickTime).
""" if proxy else ""
    video_back = (" Inutile de renvoyer les vidéos .mp4 : vous pouvez\n"
                  "    les supprimer avant de compresser pour que le fichier soit léger." if proxy else "")
    docs = ("  documentos-borrador.docx   les textes des cahiers (questions de réflexion, livret, synthèse)\n"
            "                             encore en brouillon : le même tableau, à modifier de la même façon.\n"
            if has_documents else "")
    return f"""KIT DE RÉVISION — {title}
(Les instructions en espagnol sont dans LEAME.txt.)

Ce kit contient les sous-titres {dst['fr_adj_mpl']} des modules de la vidéo, à réviser et à corriger.
Beaucoup sont des brouillons de traduction automatique. Rien à installer : ouvrez editor.html avec
votre navigateur (Chrome, Edge, Firefox ou Safari), sans connexion. Si vous préférez vos outils, Word
ou LibreOffice suffisent (ou Subtitle Edit, Aegisub ou un outil de traduction assistée).

L'ÉDITEUR (editor.html) : LE PLUS SIMPLE
  1. Décompressez tout le kit (ne l'ouvrez pas depuis l'intérieur du .zip) et double-cliquez sur editor.html.
  2. Choisissez le module en haut. La vidéo montre {src['fr_the']} et {dst['fr_the']} que vous tapez ;
     la ligne du sous-titre à l'écran est mise en évidence.
  3. Corrigez {dst['fr_the']} dans la liste. Les compteurs (caractères par ligne, lignes, caractères par
     seconde) passent au rouge quand le sous-titre dépasse les limites, et l'éditeur propose une coupure
     de lignes. À gauche : les termes du glossaire du sous-titre et leur traduction imposée.
  4. « ✓ Approuver » approuve un sous-titre (une seconde fois : retire l'approbation) ; vos questions
     vont dans « Commentaire ». « Afficher » filtre (brouillons, hors limites, commentés) ; « Ordre : les
     moins sûrs d'abord » montre d'abord les brouillons dont la machine est le moins sûre.
  5. Clavier : Alt+P lire le sous-titre, Alt+↑ / Alt+↓ précédent / suivant, Ctrl+Entrée approuver et
     passer au suivant, Alt+A approuver / à revoir, Alt+C commenter, Alt+Z annuler.
  6. Tout ce que vous tapez est gardé aussitôt dans le navigateur : si vous fermez l'onglet, en rouvrant
     editor.html votre travail est toujours là. Travaillez toujours avec le même navigateur, sur le même ordinateur.
  7. À la fin (ou chaque jour) : « Enregistrer mon travail » télécharge {first}.return.json (un fichier
     par module). Envoyez ce fichier au producteur, sans le modifier.

CONTENU
{listing}

  Dans chaque dossier de module (exemple : {first}/) :
{video}    {first}.{ext}.docx    tableau bilingue pour Word ou LibreOffice : numéro, temps, {src['fr_noun']},
        {dst['fr_noun']}, état, commentaire.
    {first}.{ext}.srt     la piste de sous-titres {dst['fr_adj_mpl']} (Subtitle Edit, Aegisub).
    {first}.{ext}.xliff   la même traduction en XLIFF 2.0 (outils de traduction assistée).
  L'éditeur et les trois fichiers contiennent le même texte : travaillez dans UN SEUL par module.

  glosario-glossaire.docx / .csv   termes conservés tels quels et traductions imposées.
  qa-borradores.csv          contrôle de qualité des brouillons ({qa}) : lignes
                             trop longues, lecture trop rapide… (s'ouvre avec Excel ou LibreOffice).
{docs}  editor.html                l'éditeur de sous-titres : ouvrez-le avec votre navigateur (voir plus haut).
  manifest.json              fichier technique pour le producteur : NE PAS LE MODIFIER NI LE SUPPRIMER.

SI VOUS PRÉFÉREZ VOS OUTILS (Word, Subtitle Edit, traduction assistée)
  Tableau Word (.docx) :
  - Ne modifiez que la colonne « {dst['name']} ». Un retour à la ligne dans la cellule = un changement de
    ligne dans le sous-titre.
  - Pour approuver un sous-titre, écrivez « approuvé » (ou « aprobado ») dans la colonne « Estado / État » ;
    pour retirer une approbation, écrivez « a revisar ».
    Les états : « borrador » = traduction automatique ; « editado » = déjà corrigé par une personne ;
    « aprobado » = approuvé ; « a revisar » = {src['fr_the']} a changé après une révision : à vérifier.
  - Vos questions ou remarques vont dans la colonne « Commentaire ».
  - Le suivi des modifications peut rester activé : les modifications sont prises comme acceptées.
  - Enregistrez au format Word (.docx), sous le même nom. Dans LibreOffice, s'il le demande, choisissez
    « Utiliser le format Word ».
  Subtitle Edit / Aegisub (.srt) :
  - Ne changez que le texte. N'ajoutez, ne supprimez, ne fusionnez, ne coupez ni ne décalez aucun sous-titre.
  - L'encodage (UTF-8, ANSI…) et la numérotation n'ont pas d'importance.
  - Le SRT n'a ni état ni commentaire : pour approuver ou commenter, utilisez le tableau Word.
  Outil de traduction assistée (.xliff) :
  - Ne modifiez que les <target>. Un segment confirmé comme final (state="final", ou "reviewed")
    est approuvé ; les notes (<note>) sont lues comme des commentaires. Ne changez pas les identifiants (id).

  Limites d'un sous-titre : {limits['chars']} caractères par ligne, {limits['lines']} lignes au plus,
  {limits['cps']} caractères par seconde au plus. Respectez le glossaire.

CE QU'ON NE TOUCHE JAMAIS
  - Les numéros de sous-titres, les temps (timecodes), la colonne {src['fr_adj_f']}, la ligne grise sous le titre
    et la première colonne des tableaux.
  - N'ajoutez ni ne supprimez de lignes : un fichier dont les temps ou le nombre de sous-titres
    diffèrent est refusé en entier.
  - Les nombres (« 14,9 % », « 2 500 ») restent identiques.

CE QU'ON RENVOIE
  - Enregistrez chaque fichier sous le même nom, dans le même dossier et au même format.
  - Compressez tout le dossier du kit en .zip (clic droit > Envoyer vers > Dossier compressé,
    ou « Compresser ») et envoyez-le au producteur.{video_back}
  - N'ajoutez pas d'autres fichiers et ne renommez rien : un kit contenant des fichiers inconnus est refusé.
  - Si vous avez travaillé dans l'éditeur : envoyez les fichiers .return.json téléchargés par
    « Enregistrer mon travail » (seuls, ou placés dans le dossier du kit avant de le compresser).
  - Vous pouvez aussi n'envoyer que le fichier corrigé (.docx, .srt ou .xliff), sans le renommer.
  Rien de ce que vous écrivez ne se perd : si un sous-titre a aussi été modifié du côté du producteur,
  il verra les deux textes et choisira.
"""
