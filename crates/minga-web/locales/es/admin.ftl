# Páginas del equipo y preferencias, en castellano. Gemelos en ../en/admin.ftl.

## Páginas del equipo: el menú (admin_nav.html) y lo que comparten

admin-nav-people = Personas
admin-nav-settings = Configuración
admin-nav-review = Cola de revisión
admin-nav-staff-log = Registro del equipo
admin-nav-email = Correo
admin-saved = Cambios guardados.

## Categorías (admin_categories.html)

admin-cat-title = Categorías · Administración
admin-cat-heading = Administración · Categorías
admin-cat-welcome = La cuenta de administración está lista. Conviene empezar por una o dos categorías: cada tema vive en una. Después, revisar la configuración e invitar a otras personas.
admin-cat-existing = Existentes
admin-cat-edit = Editar
admin-cat-edit-heading = Editar la categoría
admin-cat-new-heading = Nueva categoría
admin-cat-name = Nombre
admin-cat-slug = Identificador en la dirección
admin-cat-slug-hint = (en blanco: se forma a partir del nombre)
admin-cat-colour-pick = { $name }: elegir
admin-cat-colour-hex = { $name }: seis cifras hexadecimales
admin-cat-colour-hint = Elegir el color o escribir seis cifras hexadecimales, como 0088CC.
admin-cat-parent = Dentro de
admin-cat-parent-none = (nada: una categoría de primer nivel)
admin-cat-description = Descripción
admin-cat-permissions = Quién puede ver y publicar
admin-cat-perm-group = Grupo { $count }
admin-cat-perm-no-group = (ningún grupo)
admin-cat-perm-level = Qué puede hacer el grupo { $count }
admin-cat-perm-full = Crear temas, responder y leer
admin-cat-perm-reply = Responder y leer
admin-cat-perm-read = Solo leer
admin-cat-perm-hint = Sin el grupo «Todo el mundo», la categoría y todo lo que contiene solo son visibles para los grupos de la lista (y para la administración). Al guardar aparecen más filas.
admin-cat-save = Guardar la categoría
admin-cat-new-instead = Crear una categoría nueva

## El registro del equipo (admin_logs.html)

admin-logs-title = Registro del equipo · Administración
admin-logs-heading = Administración · Registro del equipo
admin-logs-action = Acción
admin-logs-by = Hecho por
admin-logs-person = Persona
admin-logs-details = Detalles
admin-logs-when = Cuándo
admin-logs-empty = Todavía no hay nada registrado.

## Configuración del sitio (admin_settings.html)

admin-settings-title = Configuración · Administración
admin-settings-heading = Administración · Configuración del sitio
admin-settings-save = Guardar la configuración

## Una persona (admin_user.html)

admin-user-title = { $user } · Administración
admin-user-heading = Administración · { $user }
admin-user-trust-level = nivel de confianza { $count }
# Va seguido de una fecha.
admin-user-joined = se registró el
admin-user-admin = administración
admin-user-moderator = moderación
# Va seguido de una fecha.
admin-user-suspended-until = Cuenta suspendida hasta el
# Va seguido de una fecha.
admin-user-silenced-until = Cuenta silenciada hasta el
admin-user-approve = Aprobar
admin-user-suspend-until = Suspender hasta (AAAA-MM-DD)
admin-user-reason = Motivo
admin-user-unsuspend = Levantar la suspensión
admin-user-suspend = Suspender
admin-user-silence-until = Silenciar hasta (AAAA-MM-DD)
admin-user-unsilence = Dejar de silenciar
admin-user-silence = Silenciar
admin-user-trust-level-label = Nivel de confianza
admin-user-set-trust-level = Cambiar el nivel de confianza
admin-user-revoke-moderation = Quitar los permisos de moderación
admin-user-make-moderator = Dar permisos de moderación
admin-user-revoke-admin = Quitar los permisos de administración
admin-user-make-admin = Dar permisos de administración

## Personas (admin_users.html)

admin-users-title = Personas · Administración
admin-users-heading = Administración · Personas
admin-users-show = Mostrar
admin-users-active = Activas
admin-users-new = Nuevas (nivel de confianza 0)
admin-users-staff = Equipo
admin-users-suspended = Suspendidas
admin-users-silenced = Silenciadas
admin-users-pending = Esperando aprobación
admin-users-filter = Nombre o correo electrónico
admin-users-person = Persona
admin-users-email = Correo electrónico
admin-users-state = Estado
admin-users-trust = Confianza
admin-users-joined = Registro
admin-users-empty = No hay nadie.

## La cola de revisión (review.html)

review-title = Cola de revisión
review-empty = No hay nada pendiente de revisión.
review-flagger-wrote = Quien lo señaló escribió:
review-post-hidden = El mensaje queda oculto para quienes leen hasta que se tome una decisión.
review-post-visible = El mensaje sigue visible para quienes leen.
review-approve = Aprobar
review-reason = Motivo
review-reject = Rechazar
review-keep-hidden = Mantenerlo oculto
review-show-again = Volver a mostrarlo
review-hide = Ocultar el mensaje
review-keep-visible = Mantenerlo visible

## Preferencias (preferences.html)

prefs-title = Preferencias
prefs-heading = Preferencias de la cuenta
prefs-see-profile = Ver el perfil
prefs-applications = Aplicaciones
prefs-profile = Perfil
prefs-name = Nombre
prefs-about = Presentación
prefs-about-hint = Se puede usar Markdown, como en los mensajes.
prefs-location = Ubicación
prefs-website = Sitio web
prefs-timezone = Zona horaria
prefs-timezone-hint = Las horas del foro se muestran en esta zona; por ejemplo, Europe/Madrid o America/Argentina/Buenos_Aires. En blanco: UTC.
prefs-save-profile = Guardar el perfil
prefs-email-heading = Dirección de correo electrónico
prefs-email = Correo electrónico
prefs-current-password = Contraseña actual
prefs-change-email = Cambiar el correo electrónico
prefs-password-heading = Contraseña
prefs-new-password = Contraseña nueva
prefs-new-password-again = Repetir la contraseña nueva
prefs-change-password = Cambiar la contraseña
prefs-devices = Sesiones iniciadas
prefs-this-device = este dispositivo
# Va seguido de un momento.
prefs-last-used = usado por última vez
prefs-log-out-device = Cerrar la sesión en { $name }
prefs-log-out-elsewhere = Cerrar sesión en los demás dispositivos

## Ajustes del sitio

setting-group-read = Quién puede leer
setting-group-join = Quién puede sumarse
setting-group-applications = Aplicaciones
setting-group-language = Idioma
setting-default_locale = Idioma predeterminado
setting-default_locale-help = El idioma para quien visita con un navegador que no pide ninguno de los que minga habla: en (inglés) o es (castellano). Cada persona puede elegir el suyo.
setting-login_required = Solo pueden leer quienes integran el foro
setting-login_required-help = Quien visita sin iniciar sesión ve solo las páginas para iniciar sesión y registrarse, nada del foro.
setting-allow_new_registrations = Cualquiera puede registrarse
setting-allow_new_registrations-help = Desactivado, nadie puede crear una cuenta desde la página de registro; el equipo sí puede.
setting-invite_only = Solo por invitación
setting-invite_only-help = Las personas nuevas se suman solo con un enlace de invitación del equipo o de alguien de confianza.
setting-must_approve_users = Aprobar las cuentas nuevas
setting-must_approve_users-help = El equipo aprueba cada cuenta nueva en la cola de revisión antes de que pueda iniciar sesión.
setting-must_confirm_email = Confirmar las direcciones por correo
setting-must_confirm_email-help = Una cuenta nueva funciona cuando se sigue el enlace enviado a su dirección. Las cuentas creadas por el equipo o con una invitación enviada por correo no lo necesitan.
setting-group-email = Correo
setting-email_time_window_mins = Espera antes del correo de notificación (minutos)
setting-email_time_window_mins-help = El correo de una notificación espera este tiempo, y no se envía si la publicación se lee en el sitio mientras tanto (para quien recibe correo solo en su ausencia). 0 lo envía de inmediato.
setting-auto_approve_email_domains = Dominios de correo que no necesitan aprobación
setting-auto_approve_email_domains-help = Los registros desde estos dominios no necesitan aprobación, por ejemplo facttic.example | camba.example (separados por | o espacios).
setting-allowed_user_api_auth_redirects = Aplicaciones que pueden pedir claves
setting-allowed_user_api_auth_redirects-help = Direcciones a las que se puede devolver una aplicación después de que alguien la autorice, separadas por |; * coincide con cualquier texto, por ejemplo discourse://auth_redirect | https://reader.example/*
setting-max_user_api_reqs_per_minute = Solicitudes por minuto de cada aplicación
setting-max_user_api_reqs_per_minute-help = Cuántas solicitudes puede hacer con su clave una aplicación autorizada en un minuto.
setting-max_user_api_reqs_per_day = Solicitudes por día de cada aplicación
setting-max_user_api_reqs_per_day-help = Cuántas solicitudes puede hacer con su clave una aplicación autorizada en un día.

## Estados de las personas y nombres de grupos, en las páginas del equipo

admin-state-pending = esperando aprobación
admin-state-deactivated = desactivada
admin-state-suspended = suspendida
admin-state-silenced = silenciada
admin-state-active = activa
group-label-trust-level = Nivel de confianza { $level } o más
group-label-everyone = Todo el mundo
group-label-admins = Administración
group-label-moderators = Moderación
group-label-staff = Equipo
admin-cat-colour = Color
admin-cat-text-colour = Color del texto

## Lo que dicen las preferencias al guardarse

prefs-saved-profile = El perfil quedó guardado.
prefs-saved-email = La dirección de correo electrónico quedó cambiada.
prefs-email-sent = Se envió un correo con un enlace a la dirección nueva. La dirección cambia cuando se sigue el enlace.
prefs-saved-password = La contraseña quedó cambiada; se cerraron las demás sesiones.
prefs-saved-sessions = Sesión cerrada.

## Lo que hizo una acción del equipo

admin-done-approved = Aprobada.
admin-done-suspended = Suspendida.
admin-done-unsuspended = Suspensión levantada.
admin-done-silenced = Silenciada.
admin-done-unsilenced = Silencio levantado.
admin-done-saved = Guardado.
admin-done-trust-level = Nivel de confianza guardado.
admin-done-activated = Activada.
admin-done-deactivated = Desactivada: sus sesiones terminaron.
admin-done-logged-out = Sesiones cerradas en todos los dispositivos.
admin-done-anonymized = Anonimizada.
review-action-approve = Aprobar
review-action-reject = Rechazar y borrar
review-action-agree-keep = Aceptar y mantener oculto
review-action-disagree-show = Rechazar y mostrarlo
review-action-agree-hide = Aceptar y ocultar
review-action-disagree-keep = Rechazar y mantenerlo visible

## Las acciones del registro del equipo

staff-action-approve_user = aprobó a una persona
staff-action-reject_user = rechazó a una persona
staff-action-agree_flag = aceptó una denuncia
staff-action-disagree_flag = rechazó una denuncia
staff-action-suspend_user = suspendió
staff-action-unsuspend_user = levantó una suspensión
staff-action-silence_user = silenció
staff-action-unsilence_user = levantó un silencio
staff-action-change_admin = cambió la administración
staff-action-change_moderator = cambió la moderación
staff-action-change_trust_level = cambió el nivel de confianza
staff-action-earn_trust_level = alcanzó un nivel de confianza
staff-action-activate_user = activó
staff-action-deactivate_user = desactivó
staff-action-log_out_user = cerró todas las sesiones
staff-action-anonymize_user = anonimizó
staff-action-delete_user = borró a una persona
staff-action-change_username = cambió el nombre de usuario
staff-action-change_site_setting = cambió un ajuste
staff-action-create_group = creó un grupo
staff-action-delete_group = borró un grupo
staff-action-add_group_member = sumó a un grupo
staff-action-remove_group_member = quitó de un grupo

# Mail
admin-email-title = Correo
admin-email-relay = El correo va al servidor de la configuración, desde { $from }.
admin-email-no-relay = No hay un servidor de correo configurado (smtp_url): el correo espera en la bandeja de salida y se envía cuando haya uno.
admin-email-counts = En espera: { $waiting }. Enviados: { $sent }. Fallidos: { $failed }. Ya no necesarios: { $skipped }.
admin-email-failed-line = Falló: { $kind } a { $to }: { $error }
admin-email-test-to = Enviar un correo de prueba a
admin-email-test = Enviar un correo de prueba
admin-email-test-queued = El correo de prueba está en la bandeja de salida.
admin-email-retry = Volver a intentar ahora el correo fallido y en espera
