"""Interface strings of the offline index and the read-me files, in French and Spanish.

Every string the page shows that does not come from the project lives here, once per language,
so a translator reviews one file.
"""

from __future__ import annotations

UI: dict[str, dict[str, str]] = {
    "fr": {
        "lang_name": "Français",
        "switch_label": "Langue de l'interface",
        "skip": "Aller au lecteur",
        "subtitle": "Programme de formation vidéo — version bilingue",
        "player": "Lecteur",
        "modules": "Modules",
        "documents": "Documents",
        "play": "Lire",
        "play_all": "Tout lire",
        "play_all_hint": "Lit les modules dans l'ordre, l'un après l'autre",
        "now_playing": "Module en cours",
        "none_selected": "Choisissez un module ou « Tout lire ».",
        "captions": "Sous-titres",
        "captions_off": "Aucun",
        "in_picture": "{lang} (dans l'image)",
        "chapters": "Chapitres",
        "no_chapters": "Pas de chapitres pour ce module.",
        "duration": "Durée",
        "kind": "Type",
        "speakers": "Intervenants",
        "workbook": "Cahier du module",
        "no_workbook": "Pas de cahier pour ce module.",
        "kind_enterprise": "Entreprise",
        "kind_interview": "Entretien",
        "kind_roundtable": "Table ronde",
        "doc_booklet": "Livret d'introduction",
        "doc_synthesis": "Analyse et synthèse",
        "doc_guide": "Guide du formateur",
        "doc_workbook": "Cahier",
        "docx": "Word (DOCX)",
        "pdf": "PDF",
        "full_programme": "Programme complet",
        "video_file": "Fichier vidéo",
        "subtitle_files": "Fichiers de sous-titres",
        "runtime": "Durée totale",
        "no_video": "Ce navigateur ne peut pas lire cette vidéo ; ouvrez le fichier dans un lecteur vidéo (VLC).",
        "burned_note": "Les sous-titres en {lang} font partie de l'image : ils restent toujours visibles. "
                       "Ceux choisis ici s'affichent en haut de l'image.",
        "playlist": "Liste de lecture du programme (VLC)",
        "footer": ("Fonctionne sans réseau. Pour vérifier une copie, dans son dossier : sha256sum -c SHA256SUMS "
                   "(Linux), shasum -a 256 -c SHA256SUMS (macOS) ; sous Windows, Get-FileHash <fichier> "
                   "(PowerShell) ou certutil -hashfile <fichier> SHA256 donne l'empreinte à comparer avec "
                   "SHA256SUMS (voir LISEZMOI.txt)."),
    },
    "es": {
        "lang_name": "Español",
        "switch_label": "Idioma de la interfaz",
        "skip": "Ir al reproductor",
        "subtitle": "Programa de formación en video — versión bilingüe",
        "player": "Reproductor",
        "modules": "Módulos",
        "documents": "Documentos",
        "play": "Reproducir",
        "play_all": "Reproducir todo",
        "play_all_hint": "Reproduce los módulos en orden, uno tras otro",
        "now_playing": "Módulo actual",
        "none_selected": "Elija un módulo o «Reproducir todo».",
        "captions": "Subtítulos",
        "captions_off": "Ninguno",
        "in_picture": "{lang} (en la imagen)",
        "chapters": "Capítulos",
        "no_chapters": "Este módulo no tiene capítulos.",
        "duration": "Duración",
        "kind": "Tipo",
        "speakers": "Participantes",
        "workbook": "Cuaderno del módulo",
        "no_workbook": "Este módulo no tiene cuaderno.",
        "kind_enterprise": "Empresa",
        "kind_interview": "Entrevista",
        "kind_roundtable": "Mesa redonda",
        "doc_booklet": "Cuadernillo de introducción",
        "doc_synthesis": "Análisis y síntesis",
        "doc_guide": "Guía del formador",
        "doc_workbook": "Cuaderno",
        "docx": "Word (DOCX)",
        "pdf": "PDF",
        "full_programme": "Programa completo",
        "video_file": "Archivo de video",
        "subtitle_files": "Archivos de subtítulos",
        "runtime": "Duración total",
        "no_video": "Este navegador no puede reproducir este video; abra el archivo en un reproductor (VLC).",
        "burned_note": "Los subtítulos en {lang} forman parte de la imagen: siempre están visibles. "
                       "Los que se elijan aquí aparecen arriba de la imagen.",
        "playlist": "Lista de reproducción del programa (VLC)",
        "footer": ("Funciona sin red. Para verificar una copia, en su carpeta: sha256sum -c SHA256SUMS (Linux), "
                   "shasum -a 256 -c SHA256SUMS (macOS); en Windows, Get-FileHash <archivo> (PowerShell) o "
                   "certutil -hashfile <archivo> SHA256 da la huella que se compara con SHA256SUMS "
                   "(véase LEAME.txt)."),
    },
}

# What `sha256sum -c SHA256SUMS` does, in the PowerShell every Windows has (a trainer has no packager):
# prints each file whose SHA-256 differs or is missing (Get-FileHash's hex is upper case; -ne ignores case).
POWERSHELL_CHECK = ("Get-Content -Encoding UTF8 SHA256SUMS | % {{ $h, $f = $_ -split '  ', 2; "
                    "if (-not (Test-Path -LiteralPath $f) -or (Get-FileHash -LiteralPath $f).Hash -ne $h) "
                    "{{ \"{failed}: $f\" }} }}")

LANGUAGE_NAMES = {"fr": {"fr": "français", "es": "espagnol"}, "es": {"fr": "francés", "es": "español"}}

# What the read-me's French sentences need besides the name: the plural adjective ("les sous-titres
# espagnols") and the name with its article ("le français", "l'espagnol"). Spanish says "en español"
# and "el francés" with the plain name.
FR_PLURAL_ADJECTIVE = {"fr": "français", "es": "espagnols"}
FR_WITH_ARTICLE = {"fr": "le français", "es": "l'espagnol"}

README_NAMES = {"fr": "LISEZMOI.txt", "es": "LEAME.txt"}


def readme_text(lang: str, *, title: str, target: str, modules: list[tuple[str, str]], runtime: str,
                documents: list[str], programme: str | None = None, source_language: str = "fr",
                target_language: str = "es") -> str:
    """LISEZMOI.txt / LEAME.txt: what is on the medium and how to start, in plain text (CRLF for Notepad).

    `target`: the medium (usb, dvd, cd). `programme`: the file name of the whole programme in videos/
    (an .mp4, or an .m3u playlist on cd). `source_language` / `target_language`: the project's pair;
    the target's subtitles are the ones shown by default (burned into the picture).
    """
    names = LANGUAGE_NAMES[lang]
    src, dst = source_language, target_language
    # With its demonstrative, which agrees with the noun: "clé" and "memoria" are feminine, the rest masculine.
    this_medium = {"fr": {"usb": "cette clé USB", "dvd": "ce DVD", "cd": "ce CD"},
                   "es": {"usb": "esta memoria USB", "dvd": "este DVD", "cd": "este CD"}}[lang][target]
    module_lines = [f"  {order}. {name}" for order, name in modules]
    kind = None if not programme else "playlist" if programme.endswith(".m3u") else "video"
    programme_text = {
        "fr": {"playlist": f"et leur liste de lecture ({programme}, pour VLC)", "video": "et le programme complet",
               None: ""},
        "es": {"playlist": f"y su lista de reproducción ({programme}, para VLC)", "video": "y el programa completo",
               None: ""}}[lang][kind]
    doc_lines = [f"  - documents/{name}" for name in documents]
    if lang == "fr":
        lines = [
            title, "=" * min(len(title), 72), "",
            f"Contenu de {this_medium} :", "",
            "  index.html      la page à ouvrir : vidéos sous-titrées, chapitres, documents",
            f"  videos/         les modules en MP4 (H.264/AAC) {programme_text}".rstrip(),
            f"  subtitles/      les sous-titres en {names[src]} et en {names[dst]} (SRT et WebVTT)",
            "  documents/      cahiers, livret, synthèse et guide du formateur (DOCX, PDF)",
            "  SHA256SUMS      les empreintes de tous les fichiers, pour vérifier une copie",
            "",
            "Pour commencer : ouvrez index.html (double-clic) avec Firefox, Chrome, Edge ou Safari.",
            "Aucune connexion réseau n'est nécessaire. La langue de l'interface se change en haut",
            f"de la page ; les sous-titres {FR_PLURAL_ADJECTIVE[dst]} sont affichés par défaut, "
            f"{FR_WITH_ARTICLE[src]} se choisit",
            "sous la vidéo. Si une vidéo ne se lit pas, ouvrez le fichier de videos/ avec VLC et",
            "chargez le sous-titre correspondant de subtitles/.",
            "",
            f"Modules (durée totale {runtime}) :", *module_lines, "",
            "Documents :", *doc_lines, "",
            "Vérifier une copie (après l'avoir copiée ou gravée), dans ce dossier :",
            "  Linux :    sha256sum -c SHA256SUMS",
            "  macOS :    shasum -a 256 -c SHA256SUMS",
            "  Windows :  dans PowerShell (rien ne s'affiche si tous les fichiers sont intacts) :",
            f"    {POWERSHELL_CHECK.format(failed='ERREUR')}",
            "  Pour un seul fichier : certutil -hashfile <fichier> SHA256 (Windows) donne son",
            "  empreinte, à comparer avec sa ligne de SHA256SUMS.",
        ]
    else:
        lines = [
            title, "=" * min(len(title), 72), "",
            f"Contenido de {this_medium}:", "",
            "  index.html      la página que hay que abrir: videos subtitulados, capítulos, documentos",
            f"  videos/         los módulos en MP4 (H.264/AAC) {programme_text}".rstrip(),
            f"  subtitles/      los subtítulos en {names[src]} y en {names[dst]} (SRT y WebVTT)",
            "  documents/      cuadernos, cuadernillo, síntesis y guía del formador (DOCX, PDF)",
            "  SHA256SUMS      las huellas de todos los archivos, para verificar una copia",
            "",
            "Para empezar: abra index.html (doble clic) con Firefox, Chrome, Edge o Safari.",
            "No se necesita conexión a la red. El idioma de la interfaz se cambia arriba de la",
            f"página; los subtítulos en {names[dst]} se muestran por defecto, el {names[src]} se elige bajo",
            "el video. Si un video no se reproduce, abra el archivo de videos/ con VLC y cargue",
            "el subtítulo correspondiente de subtitles/.",
            "",
            f"Módulos (duración total {runtime}):", *module_lines, "",
            "Documentos:", *doc_lines, "",
            "Verificar una copia (después de copiarla o grabarla), en esta carpeta:",
            "  Linux:    sha256sum -c SHA256SUMS",
            "  macOS:    shasum -a 256 -c SHA256SUMS",
            "  Windows:  en PowerShell (no se muestra nada si todos los archivos están intactos):",
            f"    {POWERSHELL_CHECK.format(failed='ERROR')}",
            "  Para un solo archivo: certutil -hashfile <archivo> SHA256 (Windows) da su huella,",
            "  que se compara con su línea de SHA256SUMS.",
        ]
    return "\r\n".join(lines) + "\r\n"
