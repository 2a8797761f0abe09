# Errores: en los formularios junto a su campo, en las páginas de error y en
# los {"errors": [...]} de la API.

## Pedidos

error-not-found = No se encontró la dirección o el recurso solicitado.
error-not-logged-in = Para hacer eso hay que iniciar sesión.
error-not-permitted = No hay permiso para ver el recurso solicitado.
error-rate-limited = Esta acción se repitió demasiadas veces. Hay que esperar { $count ->
    [one] 1 segundo
   *[other] { $count } segundos
} antes de volver a intentarlo.
time-seconds = { $count ->
    [one] 1 segundo
   *[other] { $count } segundos
}
error-busy = El foro está muy ocupado en este momento. Vuelva a intentarlo en un rato.
error-internal = Algo falló de nuestro lado.
# Los clientes de Discourse buscan estas palabras exactas para pedir un token nuevo.
error-bad-csrf = BAD CSRF
error-path-not-utf8 = Esta dirección no es válida: no es texto UTF-8.
error-method = Esta dirección no acepta ese tipo de pedido.
error-too-large = El pedido es demasiado grande.
error-not-understood = No se pudo entender el pedido.
error-body-unreadable = El cuerpo del pedido es demasiado grande o no se puede leer.
error-json-not-object = El cuerpo JSON tiene que ser un objeto.
error-malformed-json = JSON mal formado: { $detail }
error-malformed-multipart = Cuerpo multipart mal formado: { $detail }
error-malformed-query = Parámetros de la dirección mal formados: { $detail }
error-form-name-not-utf8 = Datos de formulario mal formados: el nombre de un campo no es UTF-8 válido.
error-field-not-utf8 = El campo { $field } no es UTF-8 válido.
error-field-text = El campo { $field } tiene que ser texto.
error-field-integer = El campo { $field } tiene que ser un número entero.
error-field-invalid = El campo { $field } no es válido: { $detail }.
error-params = Los parámetros del pedido no son los esperados: { $detail }.
error-param-missing = Falta el parámetro { $field } o está vacío.
error-field-line = { $field } admite como máximo { $max } caracteres, en una sola línea.
error-page-number = La página tiene que ser un número entero, 0 o mayor.
error-timestamp = Indicar la hora en segundos desde 1970.
error-filter = El filtro no es válido: indicar tipos de acción como 4,5.
error-period = El período es daily, weekly, monthly, quarterly, yearly o all.
error-too-long = Admite como máximo { $max } caracteres.
error-taken = { $field ->
    [email_in] Otra categoría usa esa dirección.
    [username] Ese nombre de usuario ya está en uso.
    [email] Otra cuenta usa esa dirección de correo.
    [slug] Otra categoría usa ese identificador.
    [name] Ese nombre ya está en uso.
   *[other] Ya está en uso.
}
error-missing = { $field ->
    [category] Esa categoría no existe.
    [topic_id] Ese tema no existe.
    [reply_to_post_number] El mensaje al que se responde no existe.
    [group] Ese grupo no existe.
    [user] Esa persona no existe.
   *[other] No existe.
}

## Cuentas

error-username-short = El nombre de usuario necesita al menos { $min } caracteres.
error-username-long = El nombre de usuario admite como máximo { $max } caracteres.
error-username-characters = El nombre de usuario solo admite letras, dígitos y _ . -
error-username-start = El nombre de usuario tiene que empezar con una letra, un dígito o un guion bajo.
error-username-suffix = El nombre de usuario no puede terminar como un archivo, por ejemplo en .json.
error-email-invalid = La dirección de correo no es válida.
error-password-short = La contraseña necesita al menos { $min } caracteres.
error-password-long = La contraseña admite como máximo { $max } caracteres.
error-password-username = La contraseña no puede ser igual al nombre de usuario.
error-passwords-differ = Las dos contraseñas nuevas no coinciden.
error-current-password = Esa no es la contraseña actual.
error-name-long = El nombre admite como máximo { $max } caracteres.
error-locale = minga habla inglés (en) y español (es).
error-theme = Los colores son light, dark, o vacío para seguir al dispositivo.
error-website = Un sitio web empieza con https://.
error-timezone = Eso no es una zona horaria: indicar un nombre como Europe/London o America/Argentina/Buenos_Aires.
error-primary-group = Solo se puede mostrar un grupo del que se forma parte.
error-others-preferences = Estas son las preferencias de otra persona.
error-registrations-closed = No se admiten registros nuevos. Conviene pedir una invitación a alguien del foro.
error-signup-check = No se pudo crear la cuenta: falló la comprobación del registro. Recargar la página y volver a intentarlo.
error-signup-retry = No se pudo crear la cuenta. Volver a intentarlo.
error-login-missing = Escribir el nombre de usuario o correo y la contraseña.
error-login-incorrect = Nombre de usuario, correo o contraseña incorrectos
error-login-not-approved = La cuenta espera aprobación. Se podrá iniciar sesión cuando el equipo la apruebe.
error-login-not-active = La cuenta no está activa. Hay que pedir al equipo del foro que la active.
error-login-suspended = La cuenta está suspendida hasta el { $date }.
error-login-suspended-reason = La cuenta está suspendida hasta el { $date }. Motivo: { $reason }
error-silenced = La cuenta está silenciada: puede leer, pero no publicar.

## Temas y mensajes

error-title-empty = El título no puede quedar vacío.
error-title-short = El título necesita al menos { $min } caracteres.
error-title-long = El título admite como máximo { $max } caracteres.
error-body-empty = El mensaje no puede quedar vacío.
error-body-short = El mensaje necesita al menos { $min } caracteres.
error-body-long = El mensaje admite como máximo { $max } caracteres.
error-category-missing = Esa categoría no existe.
error-category-choose = Elegir una categoría.
error-category-uncategorized = Elegir una categoría: «Sin categoría» queda para los temas que el equipo mueve allí.
error-may-not-start = No se pueden abrir temas en { $category }.
error-may-not-reply = No se puede responder en { $category }.
error-may-not-post-category = No se puede publicar en esa categoría.
error-topic-archived = Este tema está archivado: no admite más respuestas.
error-topic-closed = Este tema está cerrado: no admite más respuestas.
error-archived-no-edit = Este tema está archivado: sus mensajes ya no se pueden editar.
error-post-locked = El equipo bloqueó la edición de este mensaje.
error-may-not-edit-post = No hay permiso para editar este mensaje.
error-may-not-delete-post = No hay permiso para borrar este mensaje.
error-may-not-delete-topic = No hay permiso para borrar este tema.
error-may-not-edit-topic = No hay permiso para editar este tema.
error-staff-status = Solo el equipo puede cambiar el estado de un tema.
error-staff-timestamp = Solo el equipo puede cambiar la fecha de un tema.
error-staff-lock = Solo el equipo puede bloquear mensajes.
error-new-user-links = Quienes recién llegan pueden poner como máximo { $count } enlaces por mensaje.
error-new-user-mentions = Quienes recién llegan pueden mencionar como máximo a { $count } personas por mensaje.
error-flag-type = Las denuncias son 3 fuera de tema, 4 inapropiado, 7 otro motivo o 8 spam.
error-flag-own = No se puede denunciar un mensaje propio.
error-flag-message = Contar al equipo qué revisar: esta denuncia necesita un mensaje.
error-flag-twice = Ya se denunció este mensaje.
error-which-post = ¿Qué mensaje?

## Categorías

error-name-empty = El nombre no puede quedar vacío.
error-slug = El identificador solo admite minúsculas, dígitos y guiones, y no puede ser solo dígitos.
error-colour = El color son seis dígitos hexadecimales, como 0088CC.
error-description-long = La descripción admite como máximo { $max } caracteres.
error-parent-self = Una categoría no puede estar dentro de sí misma.
error-parent-nested = Esa categoría ya es una subcategoría: las categorías se anidan en un solo nivel.
error-parent-has-children = Esta categoría tiene subcategorías propias, así que queda en el nivel superior.
error-parent-uncategorized = «Sin categoría» no tiene subcategorías ni va dentro de otra categoría.
error-parent-missing = Esa categoría superior no existe.
error-admins-categories = Solo la administración puede gestionar categorías.
error-no-group = No hay ningún grupo llamado { $name }.
error-permission-level = El permiso de { $name } tiene que ser 1, 2 o 3.
error-permission-line = «{ $line }» debería tener la forma «everyone: full».
error-permissions-shape = Los permisos tienen que asociar nombres de grupo con 1, 2 o 3.
error-permissions-empty = Una categoría necesita al menos un grupo que pueda verla.

## Grupos

error-group-name = Los nombres de grupo tienen de 3 a 20 letras, dígitos, _ . o -, empiezan con una letra, un dígito o _, y no terminan como un archivo (.json).
error-group-name-person = Ese nombre lo usa una persona.
error-group-members-hidden = No se pueden ver los integrantes de este grupo.
error-group-owners-add = Solo quienes administran el grupo y el equipo suman integrantes.
error-group-owners-remove = Solo quienes administran el grupo y el equipo quitan integrantes.
error-group-owners-requests = Solo quienes administran el grupo y el equipo atienden las solicitudes.
error-group-owners-change = Solo quienes administran el grupo y el equipo lo modifican.
error-group-not-open = Este grupo no está abierto a nuevas incorporaciones.
error-group-no-requests = Este grupo no acepta solicitudes de ingreso.
error-group-automatic = Los grupos automáticos no se pueden borrar.
error-group-leave = Hay que pedir a quienes administran el grupo que lo quiten.
error-group-visibility = Los niveles de visibilidad van de 0 (todo el mundo) a 4 (quienes administran).
error-group-levels = Los niveles son 0 nadie, 1 administración, 2 equipo, 3 integrantes, 4 quienes administran o 99 todo el mundo.
error-group-colour = Un color son tres o seis dígitos hexadecimales.
error-join-mode = El modo de ingreso es 0 abierto, 1 con solicitud, 2 solo por invitación o 3 cerrado.
error-trust-level = Los niveles de confianza van de 0 a 4.
error-email-domains = Indicar dominios como example.org, separados por |.
error-notification-level = Los niveles de notificación van de 0 (silenciado) a 3 (siguiendo).
error-people-max = Nombrar como máximo a { $count } personas por vez.
error-people-missing = Algunas de esas personas no existen.
error-name-someone = Nombrar al menos a una persona.
error-which-request = ¿Qué solicitud?

## Invitaciones

error-invite-trust = Para invitar hace falta el nivel de confianza 2.
error-invite-redemptions = Una invitación se usa de 1 a 100 veces (una sola vez si va a un correo).
error-invite-email-once = Una invitación enviada a un correo se usa una sola vez.
error-invite-groups-owned = Solo se puede invitar a grupos que uno administra.
error-invite-private-topic = Ese tema está en una categoría privada: conviene invitar a un grupo que pueda verla, o la persona llegará a una página vacía.
error-invite-staff-batch = Solo el equipo invita a muchas personas a la vez.
error-invite-list-empty = Indicar las direcciones de correo a invitar.
error-invite-batch-max = Invitar como máximo { $count } direcciones a la vez.
error-invite-expired = Esta invitación venció. Conviene pedir una nueva.
error-invite-used = Esta invitación ya se usó.
error-invite-unknown-id = No tienes ninguna invitación con ese número.
error-invite-spent = Esta invitación venció o ya se usó.
error-invite-other-email = Esta invitación se envió a otra dirección de correo.

## Equipo

error-admins-staff = Solo la administración decide quién forma parte del equipo.
error-not-to-this-account = No se puede hacer eso con esta cuenta.
error-date-format = Indicar una fecha como 2026-12-31.
error-date-future = La fecha tiene que ser futura.
error-suspend-reason = Indicar el motivo de la suspensión.
error-delete-has-posts = Esta persona tiene mensajes, y minga no borra mensajes junto con su autor: conviene anonimizarla.
error-reviewed = Este elemento ya se revisó.
error-review-action = Esa acción no corresponde a este elemento.
error-setting-bool = Indicar true o false.
error-setting-domain = { $value } no es un dominio.
error-setting-positive = Indicar un número entero mayor que 0.
error-setting-minutes = Hay que escribir un número entero de minutos entre 0 y { $max }.
error-locale-setting = { $value } no es un idioma que minga hable: en o es.
error-setting-redirect = { $value } no es una dirección como discourse://auth_redirect.
error-setting-unknown = No hay ningún ajuste llamado { $name }.
error-setting-value-missing = Enviar el valor nuevo en el campo { $name }.

## La API y las aplicaciones

error-api-key-user = Esta clave de API no pertenece a esa persona.
error-api-account = Esta cuenta no puede usar la API por ahora.
error-api-scope = La clave de esta aplicación no permite eso: no recibió el permiso correspondiente.
error-api-key-invalid = No hay permiso para ver el recurso solicitado. La clave de API no es válida.
error-scope-not-offered = Este foro no ofrece el permiso { $name }.
error-scope-unknown = No hay ningún permiso llamado { $name }.
error-scope-none = Pedir al menos un permiso: read, write o session_info.
error-padding = Este foro cifra solo con el relleno PKCS#1 v1.5, no con { $padding }.
error-public-key = public_key tiene que ser una clave pública RSA en formato PEM, de 2048 bits o más.
error-auth-redirect = auth_redirect no es una dirección a la que este foro envíe claves (ver el ajuste allowed_user_api_auth_redirects).
error-nonce = El nonce es demasiado largo para esta clave pública.
error-which-key = Indicar qué clave revocar (id).
error-notification-level-choose = Elige un nivel de notificación: vigilar, seguir, normal o silenciar.
error-reply-level = Elige en qué nivel queda un tema en el que respondes: vigilar, seguir o normal.
error-bulk-operation = La única operación en bloque aquí es dismiss_posts.
error-bulk-filter = Descarta los temas sin leer con filter=unread, o nómbralos en topic_ids.
error-timings-topic = Di qué tema se leyó (topic_id).
error-timings-posts = Di qué publicaciones se leyeron (timings, por número).
error-may-not-invite = Necesitas el nivel de confianza 2 para invitar a alguien a un tema.
error-invite-whom = Di a quién invitar (user).
error-invite-no-account = Nadie aquí se llama { $name }. Para invitar a alguien nuevo, envía una invitación con el tema.
error-invite-yourself = Ya estás aquí.
error-invite-cannot-see = { $name } no puede leer este tema.

## Enlaces enviados por correo

error-token-unknown = Ese enlace no es válido, o ya se usó.
error-token-expired = Ese enlace venció. Hay que pedir uno nuevo.
error-no-relay = No hay un servidor de correo configurado: el mensaje espera en la bandeja de salida.
error-email-undeliverable = No se puede enviar correo a esa dirección: { $detail }
error-email-level = Hay que elegir always, only_when_away o never (0, 1 o 2).
error-digest-minutes = Hay que elegir 0 (nunca) o un número de minutos entre 60 y 43200.
