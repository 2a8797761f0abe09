# Temas, mensajes, personas y grupos, en castellano. Gemelos en ../en/pages.ftl.

## Un tema y sus mensajes

topic-post-deleted = (mensaje #{ $number } eliminado)
topic-replying-to = en respuesta al #{ $number }
topic-replying-to-heading = En respuesta al #{ $number }
topic-edited = editado
topic-reply = Responder
topic-flag = Señalar
topic-flag-why = ¿Por qué?
topic-flag-off-topic = Fuera de tema
topic-flag-inappropriate = Inapropiado
topic-flag-spam = Spam
topic-flag-something-else = Otro motivo
topic-flag-message = Mensaje para el equipo (necesario para “Otro motivo”)
topic-flag-submit = Señalar el mensaje
topic-edit = Editar
topic-delete = Eliminar
topic-your-reply = Respuesta
topic-or = o
topic-sign-up = registrarse
topic-to-reply = para responder.

## Editar un mensaje

post-edit-title = Editar el mensaje
post-edit-heading = Editar el mensaje #{ $number } de
post-field-title = Título
post-field-message = Mensaje
post-save = Guardar
post-cancel = Cancelar

## La página de una persona

user-member-of = Integrante de
user-and = y
user-joined = Se registró el
user-topics = Temas
user-posts = Mensajes
user-no-posts = Todavía no hay mensajes.

## Acerca del foro

about-title = Acerca de
about-heading = Acerca de { $site }
about-people-count = { $count ->
    [one] { $count } persona
   *[other] { $count } personas
}
about-run-by = A cargo de
about-no-admin = Todavía no hay nadie en la administración.

## Grupos

groups-title = Grupos
groups-empty = Todavía no hay grupos.
groups-new = Nuevo grupo
groups-field-name = Nombre (para menciones y enlaces)
groups-field-full-name = Nombre completo
groups-field-about = Acerca del grupo
groups-field-visibility = Quién puede ver el grupo
groups-visibility-everyone = Todo el mundo
groups-visibility-logged-in = Personas con sesión iniciada
groups-visibility-members = Integrantes
groups-visibility-staff = Equipo
groups-visibility-owners = Responsables
groups-field-join-mode = Cómo unirse
groups-join-open = Cualquiera puede unirse
groups-join-request = Por solicitud
groups-join-invite = Por invitación
groups-join-closed = Cerrado
groups-field-owners = Responsables (nombres de usuario, separados por comas)
groups-owners-hint = Quienes son responsables agregan y quitan integrantes. Si se deja en blanco, quien crea el grupo queda como responsable.
groups-create = Crear el grupo

## Un grupo

group-members-count = { $count ->
    [one] { $count } integrante
   *[other] { $count } integrantes
}
group-leave = Salir del grupo
group-join = Unirse
# $how es "join" o "ask to join".
group-after-log-in = { $how ->
    [join] para unirse a este grupo.
   *[other] para solicitar unirse a este grupo.
}
group-request-reason = Motivo de la solicitud
group-ask-to-join = Solicitar unirse
group-members = Integrantes
group-members-hidden = Solo algunas personas pueden ver quién forma parte de este grupo.
group-owner = responsable
group-add-members = Agregar integrantes (nombres de usuario, separados por comas)
group-add = Agregar
group-asks-to-join = solicita unirse
group-accept = Aceptar
group-decline = Rechazar
group-recent-posts = Mensajes recientes
group-nothing = No hay nada que mostrar.

## Autorizar una aplicación

apikey-title = Autorizar a { $app }
apikey-authorised = { $app } ya tiene autorización
apikey-copy = Copie este texto y entrégueselo a { $app } para terminar de conectarla con su cuenta.
apikey-text-for = Texto para { $app }
apikey-your-apps = Aplicaciones autorizadas
apikey-question = ¿Autorizar a { $app }?
apikey-asks = solicita acceso a su cuenta. Podrá:
apikey-revoke-hint = La autorización se puede revocar en cualquier momento desde las preferencias.
apikey-authorise = Autorizar
apikey-cancel = Cancelar

## Las aplicaciones que una persona autorizó

apikey-apps-title = Aplicaciones
apikey-your-preferences = Preferencias
apikey-apps-heading = Aplicaciones autorizadas
apikey-apps-none = Ninguna. Aplicaciones como la de Discourse para móviles piden permiso aquí antes de usar su cuenta.
apikey-authorised-when = autorizada
apikey-last-used = último uso
apikey-revoke = Revocar
apikey-revoke-app = Revocar el acceso de { $app }

## Lo que la página de un tema dice de su estado, y los elementos de la cola de revisión

topic-status-archived = Este tema está archivado: no admite respuestas ni ediciones.
topic-status-closed = Este tema está cerrado: no admite respuestas nuevas.
topic-status-unlisted = Este tema no aparece en las listas de temas.
topic-status-pinned-everywhere = Este tema está fijado en todas partes.
topic-status-pinned-category = Este tema está fijado en su categoría.
topic-status-pinned-everywhere-until = Este tema está fijado en todas partes hasta el { $date }.
topic-status-pinned-category-until = Este tema está fijado en su categoría hasta el { $date }.
review-wants-to-join = { $user } quiere sumarse
review-removed-account = Una cuenta eliminada
review-flagged-post = Mensaje señalado #{ $number }
review-flagged-post-in = Mensaje señalado #{ $number } en “{ $title }”
review-deleted-post = Un mensaje eliminado
review-kind-account = Una cuenta nueva que espera aprobación
review-kind-flag = Un mensaje señalado al equipo

## Palabras que arma el código

signup-done-active = La cuenta está activa y lista para usar.
signup-done-waiting = La cuenta espera la aprobación del equipo.
device-on = { $browser } en { $system }
device-unknown = Dispositivo desconocido
flag-thanks = Gracias: se denunció el mensaje #{ $number } y el equipo lo va a revisar.
flag-thanks-hidden = Gracias: se denunció el mensaje #{ $number } y el equipo lo va a revisar. Queda oculto hasta entonces.
apps-instructions = Copiar este texto y dárselo a { $application } para terminar de conectarla con la cuenta.
apps-revoked = La aplicación ya no puede usar la cuenta.
apps-restored = La aplicación puede volver a usar la cuenta.
scope-read = Leer todo lo que la cuenta puede leer
scope-write = Publicar, editar y actuar en nombre de la cuenta
scope-session-info = Ver el nombre de usuario, el perfil y los últimos temas
pref-theme = Colores
pref-theme-device = Como prefiera el dispositivo
pref-theme-light = Claros
pref-theme-dark = Oscuros
