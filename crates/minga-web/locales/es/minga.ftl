# La interfaz de minga en castellano, para quien lee en Argentina o en
# España por igual: formas impersonales donde se leen bien, y el lector
# tratado siempre del mismo modo. Cada mensaje tiene su gemelo en
# ../en/minga.ftl.

## El marco de cada página

nav-main = Principal
nav-latest = Recientes
nav-categories = Categorías
nav-groups = Grupos
nav-top = Destacados
nav-new-topic = Nuevo tema
nav-account = Cuenta
nav-menu = Menú
nav-menu-of = — menú
nav-preferences = Preferencias
nav-admin = Administración
nav-log-out = Cerrar sesión
nav-sign-up = Registrarse
nav-log-in = Iniciar sesión
skip-to-content = Ir al contenido
footer-powered = Hecho con minga
footer-about = Acerca de este foro
footer-language = Idioma

## Listas de temas

heading-latest = Recientes
heading-top = Destacados
list-topic = Tema
list-replies = Respuestas
list-views = Vistas
list-activity = Actividad
list-empty = Todavía no hay temas.
list-start-first = Empezar el primero.
list-newer = ← Más recientes
list-older = Anteriores →
list-pages = Páginas
replies-count = { $count ->
    [one] { $count } respuesta
   *[other] { $count } respuestas
}
views-count = { $count ->
    [one] { $count } vista
   *[other] { $count } vistas
}
topics-count = { $count ->
    [one] { $count } tema
   *[other] { $count } temas
}
posts-count = { $count ->
    [one] { $count } mensaje
   *[other] { $count } mensajes
}

## Categorías

categories-title = Categorías
categories-manage = Gestionar categorías
categories-empty = Todavía no hay categorías.
subcategories-of = Subcategorías de { $name }

## Iniciar sesión y registrarse

login-title = Iniciar sesión
login-name = Nombre de usuario o correo
login-password = Contraseña
login-submit = Entrar
login-new-here = ¿Primera vez por aquí?
login-create-account = Crear una cuenta
signup-title = Registrarse
signup-email = Correo electrónico
signup-username = Nombre de usuario
signup-username-hint = De 3 a 20 letras, cifras, _ . o -
signup-name = Nombre
signup-optional = (opcional)
signup-password = Contraseña
signup-password-hint = Al menos 10 caracteres.
signup-honeypot = Dejar en blanco
signup-submit = Crear la cuenta
signup-heading = Crear una cuenta
setup-heading = Crear la primera cuenta de administración
invite-heading = Una invitación para sumarse
signup-thanks = Gracias por registrarse
signup-waiting = La cuenta espera la aprobación del equipo. Se podrá iniciar sesión en cuanto esté aprobada.
signup-have-account = ¿Ya tiene cuenta?

## Un tema nuevo

new-topic-title = Nuevo tema
new-topic-none = Todavía no hay ninguna categoría en la que se pueda empezar un tema.
new-topic-create-category = Crear la primera categoría.
new-topic-field-title = Título
new-topic-field-category = Categoría
new-topic-field-message = Mensaje
new-topic-markdown = Se puede usar Markdown: **negrita**, _cursiva_, listas, > citas, `código`.
new-topic-submit = Crear el tema


## Preferencias

pref-language = Idioma
pref-language-browser = El que pida el navegador
pref-language-hint = El idioma de las páginas del foro. Los mensajes se muestran en el idioma en que se escribieron.

## Errores

error-back = Volver al foro

error-title-not-found = No se encontró la página
error-title-not-allowed = No está permitido
error-title-slow-down = Más despacio
error-title-went-wrong = Algo salió mal
error-title-did-not-work = Eso no funcionó

## Horas y fechas

time-now = ahora
time-minutes = { $count } min
time-hours = { $count } h
time-days = { $count } d
category-uncategorized = Sin categoría
category-uncategorized-description = Temas que no necesitan una categoría propia.
site-description = Un foro para cooperativas
form-fields-need-attention = { $count ->
    [one] Un campo necesita atención: el mensaje está junto a él.
   *[other] { $count } campos necesitan atención: cada mensaje está junto a su campo.
}

## Notificaciones
nav-notifications = { $count ->
    [0] Notificaciones, ninguna sin leer
   *[other] Notificaciones, { $count } sin leer
}
nav-notifications-many = Notificaciones, {"{"}count{"}"} sin leer
notifications-title = Notificaciones
notifications-all = Todas las notificaciones
notifications-empty = Nada todavía. Cuando alguien te mencione, te responda o publique en un tema que vigilas, aparecerá aquí.
notifications-mark-all-read = Marcar todas como leídas
notifications-unread = Sin leer
notifications-more = Notificaciones anteriores
notifications-categories = Categorías que sigues
notifications-categories-help = Vigilar te avisa de cada publicación; vigilar el primer mensaje, de cada tema nuevo; seguir cuenta lo que no has leído; silenciar no te avisa de nada allí.
notifications-save = Guardar
notifications-replying = Al responder
notifications-replying-label = Poner el tema en
notifications-replying-help = Un tema en el que respondes pasa a este nivel, salvo que ya le hayas elegido uno.
notifications-mail = Correo
notifications-mail-label = Enviar las notificaciones por correo
notifications-mail-help = Las menciones, respuestas, citas y publicaciones en temas seguidos llegan por correo, cada publicación en su propio correo.
email-level-away = Solo si no se vieron en el sitio
email-level-always = Siempre
email-level-never = Nunca
notifications-list-label = Modo lista de correo
notifications-list-off = Desactivado: solo lo que se sigue
notifications-list-on = Activado: cada publicación por correo
notifications-list-help = En el modo lista de correo cada publicación nueva que la cuenta puede ver llega por correo, una por correo, y responder al correo publica una respuesta. Para seguir así solo algunas categorías, hay que vigilarlas y elegir correo siempre.
notification-mentioned = { $username } te mencionó en «{ $title }»
notification-replied = { $username } te respondió en «{ $title }»
notification-quoted = { $username } te citó en «{ $title }»
notification-edited = { $username } editó tu publicación en «{ $title }»
notification-invitee-accepted = { $username } aceptó tu invitación
notification-posted = { $username } publicó en «{ $title }»
notification-linked = { $username } enlazó tu publicación desde «{ $title }»
notification-group-mentioned = { $username } mencionó a @{ $group } en «{ $title }»
notification-watching-first-post = { $username } abrió «{ $title }»
notification-post-approved = Se aprobó tu publicación en «{ $title }»
notification-other = Novedades en «{ $title }»
notification-posts = { $count ->
    [one] 1 publicación nueva
   *[other] { $count } publicaciones nuevas
} en «{ $title }»
notification-replies = { $count ->
    [one] 1 respuesta
   *[other] { $count } respuestas
}
level-watching = Vigilar
level-watching-first-post = Vigilar el primer mensaje
level-tracking = Seguir
level-regular = Normal
level-muted = Silenciar
topic-level = Notificaciones de este tema
live-new-topic = 1 tema nuevo — ver
live-new-topics = {"{"}count{"}"} temas nuevos — ver
nav-new = Temas nuevos
nav-unread = Sin leer
heading-new = Temas nuevos
heading-unread = Sin leer
list-dismiss = Descartar todos
list-new-topic = nuevo
list-unread-posts = { $count ->
    [one] { $count } publicación sin leer
   *[other] { $count } publicaciones sin leer
}
notification-invited-to-topic = { $username } te invitó a «{ $title }»
