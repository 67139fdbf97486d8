"""The translator's kit: everything to review the target-language drafts (Spanish for the sample)
offline, in one zip, and its return.

A kit (`packager kit`) is one zip with a single top folder::

    kit-<slug>-<YYYYMMDD-HHMMSS>/
        LEAME.txt, LISEZMOI.txt         what is inside, what to edit, what to send back
        manifest.json                   what the kit was made from (per cue: source hash, the draft)
        glosario-glossaire.docx / .csv  the glossary
        qa-borradores.csv               the QA report of the drafts
        documentos-borrador.docx        document units still in draft (if any)
        01-entreprise-a/
            01-entreprise-a.proxy.mp4   360p, source subtitles and timecode burned in
            01-entreprise-a.es.docx / .es.srt / .es.xliff

Taking it back is take_back.py's job; when a kit goes out and comes back is recorded in
`.packager/kits.json` (kit_records.py, for `packager status`).
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from ..atomic import atomic_path
from ..errors import PackagerError
from ..timecode import srt_timecode
from .export import (
    FORMATS,
    LANGUAGE_FORMS,
    STATE_LABELS,
    _set_text,
    _shade,
    add_hidden,
    export_bytes,
    source_header,
    file_stem,
    finish_table,
    hidden_identity,
    identity_line,
    module_rows,
    new_document,
    review_table,
)
from .kit_records import KIT_FORMAT, MANIFEST, kit_history, record_sent  # noqa: F401  (kit_history: importable here)
from .kit_records import sha256 as _sha256
from .states import notice_person_texts

if TYPE_CHECKING:
    from ..project import Module, Project

@dataclass
class KitResult:
    path: Path
    kit_id: str
    modules: list[str]
    size: int
    files: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------- building


def _glossary_files(project: Project) -> tuple[bytes, bytes]:
    from ..glossary import load_glossary

    glossary = load_glossary(project)
    src, dst = project.source_language, project.target_language
    headers = [LANGUAGE_FORMS[src]["name"], LANGUAGE_FORMS[dst]["name"], "Conservar / Garder tel quel",
               "Nota (FR)", "Nota (ES)"]
    rows = [[t.text(src), t.text(dst), "sí / oui" if t.keep else "", t.note_fr or "", t.note_es or ""]
            for t in glossary.terms]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    csv_bytes = buffer.getvalue().encode("utf-8-sig")  # the BOM makes Excel read UTF-8
    document = new_document("Glosario / Glossaire", f"{project.config.programme.slug} glossary", [
        "ES: Términos que se conservan tal cual (nombres, siglas) y traducciones obligatorias.",
        "FR : Termes conservés tels quels (noms, sigles) et traductions imposées.",
    ])
    widths = [6.5, 6.5, 3.0, 5.5, 5.5]
    table = review_table(document, headers, widths)
    for row in rows:
        for cell, value in zip(table.add_row().cells, row):
            _set_text(cell, value, size=9)
    finish_table(table, widths)
    from ..documents.language import review_document_language

    tags = project.config.documents.language_tag
    review_document_language(document, tags(src), tags(dst), [row.cells[1] for row in table.rows[1:]])
    out = io.BytesIO()
    document.save(out)
    return out.getvalue(), csv_bytes


# The QA rules in the translator's languages (the report's messages are the producer's, in English).
QA_RULES_ES_FR = {
    "empty": "subtítulo vacío / sous-titre vide",
    "line-length": "línea demasiado larga / ligne trop longue",
    "line-count": "demasiadas líneas / trop de lignes",
    "reading-speed": "lectura demasiado rápida / lecture trop rapide",
    "min-duration": "subtítulo demasiado corto / sous-titre trop court",
    "max-duration": "subtítulo demasiado largo / sous-titre trop long",
    "min-gap": "pausa demasiado corta entre subtítulos / pause trop courte entre sous-titres",
    "overlap": "subtítulos superpuestos / sous-titres qui se chevauchent",
    "spanish-punctuation": "¿ ¡ sin abrir o sin cerrar / ¿ ¡ non ouverts ou non fermés",
    "untranslated": "sin traducir / non traduit",
    "numbers": "cifra distinta del {es_noun} / nombre différent {fr_of_the}",
    "glossary": "término del glosario no respetado / terme du glossaire non respecté",
}


def qa_rule_label(rule: str, source_language: str) -> str:
    """A QA rule in the translator's languages; a rule comparing with the source names its language."""
    return QA_RULES_ES_FR.get(rule, "").format(**LANGUAGE_FORMS[source_language])


def _qa_csv(project: Project, modules: list[Module]) -> tuple[bytes, int]:
    """The QA report of the kit's Spanish drafts as CSV (Excel and LibreOffice read it), and its count."""
    from ..subtitles.qa import run_qa

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Module", "Line number", "Cue", "Time code", "Severity", "Rule", "Regla / Règle", "Message"])
    report = run_qa(project, [m.id for m in modules])
    order = {m.id: m.order for m in modules}
    findings = [f for f in report.findings if f.lang == project.target_language]
    for f in sorted(findings, key=lambda f: (order.get(f.module_id, 0), f.cue or 0, f.rule)):
        writer.writerow([f.module_id, f.line if f.line is not None else "", f.cue if f.cue is not None else "",
                         srt_timecode(f.start) if f.start is not None else "", f.severity, f.rule,
                         qa_rule_label(f.rule, project.source_language), f.message])
    return buffer.getvalue().encode("utf-8-sig"), len(findings)


DOC_WIDTHS = [4.2, 8.2, 8.2, 2.3, 3.8]  # 26.7 cm: landscape A4 within 1.5 cm margins


def doc_headers(src: str, dst: str) -> list[str]:
    return ["Clave / Clé", source_header(src), LANGUAGE_FORMS[dst]["name"], "Estado / État",
            "Comentario / Commentaire"]


def _document_units(project: Project, module_ids: list[str], *, general: bool) -> list[dict]:
    """Document units still in draft (or needs-review) of the kit's documents."""
    from ..texts import project_documents, read_units
    from .states import StateFile, effective_state, text_hash

    units = []
    for doc in project_documents(project):
        if doc.doc_id.startswith("questions/"):
            if doc.doc_id.split("/", 1)[1] not in module_ids:
                continue
        elif not general:
            continue
        targets = read_units(doc.target_path)
        states = StateFile.load(doc.target_path)
        for unit in doc.units:
            target = targets.get(unit.key, "")
            state = effective_state(states.units.get(unit.key), unit.text, target)
            if state not in ("draft", "needs-review"):
                continue
            entry = states.units.get(unit.key)
            units.append({"key": f"{doc.doc_id}|{unit.key}", "source": unit.text, "draft": target,
                          "source_hash": text_hash(unit.text), "target_hash": text_hash(target), "state": state,
                          "comment": entry.comment if entry else None})
    return units


def doc_instructions(src: str, dst: str) -> list[str]:
    s, t = LANGUAGE_FORMS[src], LANGUAGE_FORMS[dst]
    return [
        "ES: Textos de los cuadernos (preguntas de reflexión, folleto, síntesis) aún en borrador. Corrija solo la "
        f"columna «{t['name']}». Escriba «aprobado» en la columna «Estado» para aprobar un texto, y sus "
        f"observaciones en «Comentario». No cambie la primera columna (la clave) ni el {s['es_noun']}.",
        "FR : Textes des cahiers (questions de réflexion, livret, synthèse) encore en brouillon. Ne modifiez que la "
        f"colonne « {t['name']} ». Écrivez « approuvé » dans la colonne « État » pour approuver un texte, et "
        f"vos remarques dans « Commentaire ». Ne touchez ni à la première colonne (la clé) ni {s['fr_to_the']}.",
    ]


def _documents_docx(units: list[dict], kit_id: str, created: str, src: str = "fr", dst: str = "es",
                    tags: tuple[str, str] = ("fr-CA", "es")) -> bytes:
    from docx.shared import RGBColor

    document = new_document("Textos de los cuadernos / Textes des cahiers",
                            identity_line("documents", kit_id, created, f" kit={kit_id}"), doc_instructions(src, dst))
    table = review_table(document, doc_headers(src, dst), DOC_WIDTHS)
    grey = RGBColor(0x55, 0x55, 0x55)
    for unit in units:
        cells = table.add_row().cells
        _set_text(cells[0], unit["key"], size=7, colour=grey)
        add_hidden(cells[0], hidden_identity(unit["source_hash"], unit["target_hash"], unit["state"]))
        _set_text(cells[1], unit["source"], colour=grey)
        _shade(cells[1], "EEEEEE")
        _set_text(cells[2], unit["draft"])
        _set_text(cells[3], STATE_LABELS.get(unit["state"], unit["state"]), size=9)
        _set_text(cells[4], unit["comment"] or "", size=9)
    finish_table(table, DOC_WIDTHS)
    from ..documents.language import review_document_language

    review_document_language(document, *tags, [row.cells[2] for row in table.rows[1:]])
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _readme(project: Project, modules: list[Module], lang: str, has_documents: bool, proxy: bool = True,
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


def build_kit(project: Project, modules: list[Module], output: Path, *, proxy: bool = True,
              preset: str = "veryfast", general_documents: bool | None = None,
              on_step: Callable[[str], None] | None = None) -> KitResult:
    """Make one kit zip for `modules` at `output` (atomically) and record it in .packager/kits.json."""
    step = on_step or (lambda _msg: None)
    output = Path(output)
    if output.suffix.lower() != ".zip":
        raise PackagerError("the kit is a .zip file", path=output, hint="name the output FILE.zip")
    if not modules:
        raise PackagerError("no module to put in the kit")
    if general_documents is None:
        general_documents = len(modules) == len(project.modules)
    created_at = datetime.now(timezone.utc).replace(microsecond=0)
    created = created_at.isoformat().replace("+00:00", "Z")
    slug = project.config.programme.slug
    stamp = created_at.strftime("%Y%m%d-%H%M%S")
    suffix = "" if len(modules) != 1 or general_documents else f"-{modules[0].id}"
    kit_id = f"{slug}{suffix}-{stamp}"
    top = f"kit-{kit_id}"
    module_ids = [m.id for m in modules]
    files: dict[str, bytes | Path] = {}
    manifest_modules = []
    rows_by_module = {}
    for module in modules:  # fails early, before any encode
        try:
            notice_person_texts(module.subtitle_path(project.target_language))
            rows_by_module[module.id] = module_rows(project, module)
        except PackagerError as exc:
            if len(modules) > 1:
                others = " ".join(m.id for m in modules if m.id != module.id)
                exc.hint = f"{exc.hint + '; ' if exc.hint else ''}or make the kit without it: packager kit {others} -o …"
            raise
    with tempfile.TemporaryDirectory(prefix="packager-kit-") as tmp_name:
        tmp = Path(tmp_name)
        for module in modules:
            rows = rows_by_module[module.id]
            folder = f"{module.order:02d}-{module.id}"
            stem = file_stem(project, module)
            entry = {"id": module.id, "order": module.order, "title": {lang: module.title(lang) for lang in project.languages},
                     "files": {}, "cues": [r.carried() for r in rows]}
            for fmt in FORMATS:
                name = f"{folder}/{stem}.{fmt}"
                files[name] = export_bytes(project, module, fmt, exported=created, kit=kit_id, rows=rows)
                entry["files"][fmt] = name
            if proxy:
                step(f"proxy of {module.id}")
                proxy_path = tmp / f"{module.id}.mp4"
                from .proxy import make_proxy

                make_proxy(project, module, proxy_path, preset=preset)
                name = f"{folder}/{folder}.proxy.mp4"
                files[name] = proxy_path
                entry["files"]["proxy"] = name
            manifest_modules.append(entry)
        step("editor")  # editor.html: the kit's own subtitle editor (editor.py)
        from .editor import editor_html

        videos = {m["id"]: m["files"]["proxy"] for m in manifest_modules if "proxy" in m["files"]}
        files["editor.html"] = editor_html(project, modules, rows_by_module, kit_id=kit_id, created=created,
                                           videos=videos)
        step("glossary, QA report, documents")
        glossary_docx, glossary_csv = _glossary_files(project)
        files["glosario-glossaire.docx"] = glossary_docx
        files["glosario-glossaire.csv"] = glossary_csv
        qa_bytes, qa_findings = _qa_csv(project, modules)
        files["qa-borradores.csv"] = qa_bytes
        doc_units = _document_units(project, module_ids, general=general_documents)
        documents = {"file": None, "units": {}}
        if doc_units:
            tags = tuple(project.config.documents.language_tag(c) for c in project.languages)
            files["documentos-borrador.docx"] = _documents_docx(doc_units, kit_id, created, project.source_language,
                                                                project.target_language, tags)
            documents = {"file": "documentos-borrador.docx",
                         "units": {u["key"]: {k: u[k] for k in ("source_hash", "target_hash", "draft", "state",
                                                                  "comment")} for u in doc_units}}
        # CRLF and a BOM: Windows' Notepad shows the accents and the lines right.
        for name, lang in (("LEAME.txt", "es"), ("LISEZMOI.txt", "fr")):
            text = _readme(project, modules, lang, bool(doc_units), proxy, qa_findings=qa_findings)
            files[name] = text.replace("\n", "\r\n").encode("utf-8-sig")
        hashes = {name: _sha256(data) for name, data in files.items()}
        manifest = {"format": KIT_FORMAT, "kit": kit_id, "created": created, "project": slug,
                    "source_language": project.source_language, "target_language": project.target_language,
                    "modules": manifest_modules, "documents": documents, "files": hashes}
        files[MANIFEST] = (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
        step("zip")
        with atomic_path(output) as tmp_zip:
            with zipfile.ZipFile(tmp_zip, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                for name in sorted(files):
                    data = files[name]
                    info = zipfile.ZipInfo(f"{top}/{name}", date_time=created_at.timetuple()[:6])
                    info.external_attr = 0o644 << 16
                    if isinstance(data, Path):
                        info.compress_type = zipfile.ZIP_STORED
                        with data.open("rb") as src, archive.open(info, "w") as dst:
                            shutil.copyfileobj(src, dst, 1024 * 1024)
                    else:
                        info.compress_type = zipfile.ZIP_DEFLATED
                        archive.writestr(info, data)
    record_sent(project, kit_id, created, module_ids, output)
    from .export import record_export

    for module in modules:  # an SRT of the kit sent back on its own is then recognised too
        record_export(project, module, rows_by_module[module.id], exported=created, fmt="kit")
    return KitResult(path=output, kit_id=kit_id, modules=module_ids, size=output.stat().st_size,
                     files=[f"{top}/{n}" for n in sorted(files)])
